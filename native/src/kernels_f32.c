/* kernels_f32.c — the fp32 micro-kernels of the built-in GEMM and the packing of fp32 operands
 * (the drivers are in gemm.c). Micro-kernels per instruction set: AVX-512 14 x 32 and AVX2+FMA 6 x 16
 * (intrinsics under target attributes, so the library itself is built for x86-64-v2), NEON 8 x 12
 * (arm64), and a generic 4 x 8 in GCC vector extensions; cpu_isa() chooses once at run time.
 * Every micro-kernel accumulates each element of C over k in order with fused multiply-adds.
 * This file is compiled with -ffp-contract=fast (FMA). */
#include "kernels.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include "simd_avx2.h"
#include "simd_avx512.h"
#endif

#define MR_MAX KN_MR_MAX

/* ---- micro-kernels: C (m x n, m <= MR, n <= NR) = alpha * Ap^T Bp + beta * C (beta == 0: C not read).
 * Ap: kc x MR (k-major), Bp: kc x NR (k-major), both 64-byte aligned. ---- */

typedef float v4f __attribute__((vector_size(16)));
static void ukr_generic(int kc, const void *Apv, const void *Bpv, float *restrict C, int ldc, int m, int n,
                        float alpha, float beta) {
    const float *restrict Ap = Apv, *restrict Bp = Bpv;
    enum { MR = 4, NR = 8 };
    v4f acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = (v4f){0, 0, 0, 0};
    for (int k = 0; k < kc; k++) {
        v4f b0, b1;
        memcpy(&b0, Bp + (size_t)k * NR, 16);
        memcpy(&b1, Bp + (size_t)k * NR + 4, 16);
        for (int i = 0; i < MR; i++) {
            const float a = Ap[(size_t)k * MR + i];
            acc[i][0] += (v4f){a, a, a, a} * b0;
            acc[i][1] += (v4f){a, a, a, a} * b1;
        }
    }
    float tmp[MR * NR];
    for (int i = 0; i < MR; i++) {
        memcpy(tmp + i * NR, &acc[i][0], 16);
        memcpy(tmp + i * NR + 4, &acc[i][1], 16);
    }
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float *c = C + (size_t)i * ldc + j;
            *c = beta == 0.0f ? alpha * tmp[i * NR + j] : alpha * tmp[i * NR + j] + beta * *c;
        }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* AVX2 + FMA: 6 x 16 (12 accumulators, 2 B vectors, 1 broadcast of 16 ymm registers). */
__attribute__((target("avx2,fma"))) static void ukr_avx2(int kc, const void *Apv, const void *Bpv, float *restrict C,
                                                          int ldc, int m, int n, float alpha, float beta) {
    const float *restrict Ap = Apv, *restrict Bp = Bpv;
    enum { MR = 6, NR = 16 };
    __m256 c[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
#pragma GCC unroll 2
    for (int k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_load_ps(Bp + (size_t)k * NR), b1 = _mm256_load_ps(Bp + (size_t)k * NR + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const __m256 a = _mm256_broadcast_ss(Ap + (size_t)k * MR + i);
            c[i][0] = _mm256_fmadd_ps(a, b0, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(a, b1, c[i][1]);
        }
    }
    /* The accumulators leave registers once, through tmp, with constant indices: indexing c[i] by the
     * run-time row count m below made GCC keep c in memory and store every accumulator after each FMA
     * in the loop above (two stores per FMA pair: half the FMA rate, measured). */
    float tmp[MR][NR] __attribute__((aligned(32)));
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        _mm256_store_ps(tmp[i], c[i][0]);
        _mm256_store_ps(tmp[i] + 8, c[i][1]);
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (n == NR) {
        for (int i = 0; i < m; i++) {
            float *ci = C + (size_t)i * ldc;
            const __m256 r0 = _mm256_mul_ps(va, _mm256_load_ps(tmp[i])), r1 = _mm256_mul_ps(va, _mm256_load_ps(tmp[i] + 8));
            if (beta == 0.0f) {
                _mm256_storeu_ps(ci, r0);
                _mm256_storeu_ps(ci + 8, r1);
            } else {
                _mm256_storeu_ps(ci, _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), r0));
                _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), r1));
            }
        }
        return;
    }
    for (int i = 0; i < m; i++) {
        float *ci = C + (size_t)i * ldc;
        for (int j = 0; j < n; j++) ci[j] = beta == 0.0f ? alpha * tmp[i][j] : alpha * tmp[i][j] + beta * ci[j];
    }
}

/* AVX-512: 14 x 32 (28 accumulators, 2 B vectors, broadcasts from memory: 31 of 32 zmm registers).
 * Per k: 2 vector loads + 14 broadcast loads for 28 FMAs, so the two FMA pipes stay busy. */
__attribute__((target("avx512f"))) static void ukr_avx512(int kc, const void *Apv, const void *Bpv, float *restrict C,
                                                           int ldc, int m, int n, float alpha, float beta) {
    const float *restrict Ap = Apv, *restrict Bp = Bpv;
    enum { MR = 14, NR = 32 };
    __m512 c0[MR], c1[MR];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) c0[i] = c1[i] = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (int k = 0; k < kc; k++) {
        const __m512 b0 = _mm512_load_ps(Bp + (size_t)k * NR), b1 = _mm512_load_ps(Bp + (size_t)k * NR + 16);
        const float *a = Ap + (size_t)k * MR;
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
    }
    store_tile32_avx512(C, ldc, m, n, c0, c1, alpha, beta);
}
#endif

#ifdef SAM_NEON
#include <arm_neon.h>
/* NEON (arm64): 8 x 12, 24 accumulators of 4 lanes, per k 2 A vectors and 3 B vectors, each FMA by a
 * lane of A (fmla by element) — 29 of the 32 vector registers. */
static void ukr_neon(int kc, const void *Apv, const void *Bpv, float *restrict C, int ldc, int m, int n, float alpha,
                     float beta) {
    enum { MR = 8, NR = 12 };
    const float *restrict Ap = Apv, *restrict Bp = Bpv;
    float32x4_t c[MR][3];
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = c[i][2] = vdupq_n_f32(0.0f);
    for (int k = 0; k < kc; k++) {
        const float32x4_t b0 = vld1q_f32(Bp + (size_t)k * NR), b1 = vld1q_f32(Bp + (size_t)k * NR + 4),
                          b2 = vld1q_f32(Bp + (size_t)k * NR + 8);
        const float32x4_t a0 = vld1q_f32(Ap + (size_t)k * MR), a1 = vld1q_f32(Ap + (size_t)k * MR + 4);
#define ROW(i, a, l)                               \
    c[i][0] = vfmaq_laneq_f32(c[i][0], b0, a, l); \
    c[i][1] = vfmaq_laneq_f32(c[i][1], b1, a, l); \
    c[i][2] = vfmaq_laneq_f32(c[i][2], b2, a, l);
        ROW(0, a0, 0) ROW(1, a0, 1) ROW(2, a0, 2) ROW(3, a0, 3)
        ROW(4, a1, 0) ROW(5, a1, 1) ROW(6, a1, 2) ROW(7, a1, 3)
#undef ROW
    }
    /* through tmp with constant indices, as in ukr_avx2 (keeps c in registers in the loop above) */
    float tmp[MR][NR];
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
        vst1q_f32(tmp[i], c[i][0]);
        vst1q_f32(tmp[i] + 4, c[i][1]);
        vst1q_f32(tmp[i] + 8, c[i][2]);
    }
    const float32x4_t va = vdupq_n_f32(alpha), vb = vdupq_n_f32(beta);
    if (n == NR) {
        for (int i = 0; i < m; i++) {
            float *ci = C + (size_t)i * ldc;
            for (int v = 0; v < 3; v++) {
                float32x4_t r = vmulq_f32(va, vld1q_f32(tmp[i] + 4 * v));
                if (beta != 0.0f) r = vfmaq_f32(r, vb, vld1q_f32(ci + 4 * v));
                vst1q_f32(ci + 4 * v, r);
            }
        }
        return;
    }
    for (int i = 0; i < m; i++) {
        float *ci = C + (size_t)i * ldc;
        for (int j = 0; j < n; j++) ci[j] = beta == 0.0f ? alpha * tmp[i][j] : fmaf(beta, ci[j], alpha * tmp[i][j]);
    }
}
#endif

/* ---- packing ---- */

#if defined(__x86_64__) && defined(__GNUC__)
/* Untransposed A into an MR-row panel: 16 k at a time, rows transposed in registers. */
AVX512 static void pack_a_avx512(float *restrict dst, const float *A, int lda, int i0, int m, int p0, int kc, int mr) {
    const int kc16 = kc & ~15;
    const __mmask16 keep = (__mmask16)((1u << mr) - 1);
    for (int kb = 0; kb < kc16; kb += 16) {
        __m512 r[16];
        for (int i = 0; i < 16; i++) r[i] = i < m ? _mm512_loadu_ps(A + (size_t)(i0 + i) * lda + p0 + kb) : _mm512_setzero_ps();
        transpose16(r);
        for (int k = 0; k < 16; k++) _mm512_mask_storeu_ps(dst + (size_t)(kb + k) * mr, keep, r[k]);
    }
    for (int k = kc16; k < kc; k++)
        for (int i = 0; i < mr; i++) dst[(size_t)k * mr + i] = i < m ? A[(size_t)(i0 + i) * lda + p0 + k] : 0.0f;
}
#endif

/* Packs rows [i0, i0+m) x cols [p0, p0+kc) of op(A) into one MR-row panel (k-major), rows m..mr zero. */
static void pack_a_panel(void *dstv, const float *A, int lda, int ta, int i0, int m, int p0, int kc, int mr) {
    float *restrict dst = dstv;
#if defined(__x86_64__) && defined(__GNUC__)
    if (!ta && mr <= 16 && cpu_isa() == ISA_AVX512) {
        pack_a_avx512(dst, A, lda, i0, m, p0, kc, mr);
        return;
    }
#endif
    if (!ta) {
        const float *rows[MR_MAX];
        for (int i = 0; i < m; i++) rows[i] = A + (size_t)(i0 + i) * lda + p0;
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * mr;
            for (int i = 0; i < m; i++) d[i] = rows[i][k];
            for (int i = m; i < mr; i++) d[i] = 0.0f;
        }
    } else {
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * mr;
            memcpy(d, A + (size_t)(p0 + k) * lda + i0, (size_t)m * sizeof(float));
            for (int i = m; i < mr; i++) d[i] = 0.0f;
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* op(B) = B^T: 16 rows of B x 16 columns at a time, transposed in registers. */
AVX512 static void pack_bt_avx512(const kn_f32mat *b, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    const int kc16 = kc & ~15;
    for (int jb = 0; jb < nr; jb += 16) {
        const int rows = n - jb < 0 ? 0 : n - jb > 16 ? 16 : n - jb;
        for (int kb = 0; kb < kc16; kb += 16) {
            __m512 r[16];
            for (int i = 0; i < 16; i++)
                r[i] = i < rows ? _mm512_loadu_ps(b->p + (size_t)(j0 + jb + i) * b->ld + k0 + kb) : _mm512_setzero_ps();
            transpose16(r);
            for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)(kb + i) * nr + jb, r[i]);
        }
    }
    for (int k = kc16; k < kc; k++)
        for (int j = 0; j < nr; j++) dst[(size_t)k * nr + j] = j < n ? b->p[(size_t)(j0 + j) * b->ld + k0 + k] : 0.0f;
}

/* op(B) = B: each k row of the panel is a contiguous row segment (masked at the edge). */
AVX512 static void pack_bn_avx512(const kn_f32mat *b, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    for (int k = 0; k < kc; k++) {
        const float *s = b->p + (size_t)(k0 + k) * b->ld + j0;
        float *d = dst + (size_t)k * nr;
        for (int j = 0; j < nr; j += 16) {
            const int left = n - j < 0 ? 0 : n - j > 16 ? 16 : n - j;
            const __mmask16 mk = (__mmask16)((1u << left) - 1);
            _mm512_storeu_ps(d + j, _mm512_maskz_loadu_ps(mk, s + j));
        }
    }
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/* op(B) = B^T on AVX2: 8 rows of B x 8 columns at a time, transposed in registers (the scalar loop wrote
 * one float per instruction with a stride of nr floats). */
AVX2F static void pack_bt_avx2(const kn_f32mat *b, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    const int kc8 = kc & ~7;
    for (int jb = 0; jb < nr; jb += 8) {
        const int rows = n - jb < 0 ? 0 : n - jb > 8 ? 8 : n - jb;
        for (int kb = 0; kb < kc8; kb += 8) {
            __m256 r[8];
            for (int i = 0; i < 8; i++)
                r[i] = i < rows ? _mm256_loadu_ps(b->p + (size_t)(j0 + jb + i) * b->ld + k0 + kb) : _mm256_setzero_ps();
            transpose8(r);
            for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)(kb + i) * nr + jb, r[i]);
        }
    }
    for (int k = kc8; k < kc; k++)
        for (int j = 0; j < nr; j++) dst[(size_t)k * nr + j] = j < n ? b->p[(size_t)(j0 + j) * b->ld + k0 + k] : 0.0f;
}
#endif

void kn_pack_b_f32(const void *src, float *restrict dst, int k0, int kc, int j0, int n, int nr) {
    const kn_f32mat *b = src;
#if defined(__x86_64__) && defined(__GNUC__)
    if (nr % 16 == 0 && cpu_isa() == ISA_AVX512) {
        if (b->trans) pack_bt_avx512(b, dst, k0, kc, j0, n, nr);
        else pack_bn_avx512(b, dst, k0, kc, j0, n, nr);
        return;
    }
    if (nr % 8 == 0 && b->trans && cpu_isa() == ISA_AVX2) {
        pack_bt_avx2(b, dst, k0, kc, j0, n, nr);
        return;
    }
#endif
    if (!b->trans) { /* op(B) = B (K, N): rows are contiguous */
        for (int k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * nr;
            memcpy(d, b->p + (size_t)(k0 + k) * b->ld + j0, (size_t)n * sizeof(float));
            for (int j = n; j < nr; j++) d[j] = 0.0f;
        }
    } else { /* op(B) = B^T, B (N, K): column j of op(B) is row j of B */
        for (int j = 0; j < n; j++) {
            const float *s = b->p + (size_t)(j0 + j) * b->ld + k0;
            for (int k = 0; k < kc; k++) dst[(size_t)k * nr + j] = s[k];
        }
        for (int k = 0; k < kc; k++)
            for (int j = n; j < nr; j++) dst[(size_t)k * nr + j] = 0.0f;
    }
}

/* ---- selection ---- */

static kn_gemm_kernel g_kernel;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void select_kernel(void) {
    g_kernel = (kn_gemm_kernel){"generic", 4, 8, 1, pack_a_panel, NULL, ukr_generic};
    switch (cpu_isa()) {
#if defined(__x86_64__) && defined(__GNUC__)
    case ISA_AVX512: g_kernel = (kn_gemm_kernel){"avx512", 14, 32, 1, pack_a_panel, NULL, ukr_avx512}; break;
    case ISA_AVX2: g_kernel = (kn_gemm_kernel){"avx2", 6, 16, 1, pack_a_panel, NULL, ukr_avx2}; break;
#endif
#ifdef SAM_NEON
    case ISA_NEON: g_kernel = (kn_gemm_kernel){"neon", 8, 12, 1, pack_a_panel, NULL, ukr_neon}; break;
#endif
    default: break;
    }
}

const kn_gemm_kernel *kn_f32_kernel(void) {
    pthread_once(&g_once, select_kernel);
    return &g_kernel;
}
