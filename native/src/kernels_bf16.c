/* kernels_bf16.c — the optional bf16 micro-kernel of the workspace GEMM (sam_backend_set_precision):
 * both operands rounded to bfloat16 (round to nearest even) while they are packed, products summed in
 * fp32 by AVX512-BF16's VDPBF16PS, which multiplies and adds a pair of bf16 per 32-bit lane — twice the
 * multiply-adds of an fp32 FMA per instruction. It runs in the same driver as the fp32 kernels
 * (gemm.c kn_gemm_packed, kpack = 2), so it has the same structure and determinism.
 * Packed layouts hold k in pairs: A panel [k/2][MR] of (bf16 A[i][2p], bf16 A[i][2p+1]) words, B panel
 * [k/2][NR][2] bf16; an odd K gets a zero partner. Compiled only for CPUs that report avx512bf16. */
#include "kernels.h"

#include <stdint.h>
#include <string.h>

#include "cpu.h"

#define KC KN_KC /* k per packed slice (128 pairs) */
#define MR 14
#define NR 32

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include "simd_avx512.h"

#define BF16 __attribute__((target("avx512f,avx512bf16")))

/* C (m x n) = alpha * Ap^T Bp + beta C over (kc + 1) / 2 k-pairs: 14 x 32, 28 accumulators. */
BF16 static void ukr_bf16(int kc, const void *Apv, const void *Bpv, float *restrict C, int ldc, int m, int n,
                          float alpha, float beta) {
    const uint32_t *restrict Ap = Apv;
    const uint16_t *restrict Bp = Bpv;
    const int kp = (kc + 1) / 2;
    __m512 c0[MR], c1[MR];
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) c0[i] = c1[i] = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (int p = 0; p < kp; p++) {
        const __m512bh b0 = (__m512bh)_mm512_load_si512((const void *)(Bp + (size_t)p * 2 * NR));
        const __m512bh b1 = (__m512bh)_mm512_load_si512((const void *)(Bp + (size_t)p * 2 * NR + NR));
        const uint32_t *a = Ap + (size_t)p * MR;
#pragma GCC unroll 14
        for (int i = 0; i < MR; i++) {
            const __m512bh ai = (__m512bh)_mm512_set1_epi32((int)a[i]);
            c0[i] = _mm512_dpbf16_ps(c0[i], ai, b0);
            c1[i] = _mm512_dpbf16_ps(c1[i], ai, b1);
        }
    }
    store_tile32_avx512(C, ldc, m, n, c0, c1, alpha, beta);
}

/* A (rows i0.., untransposed or transposed) into one MR-row panel of k-pairs, rows m..MR zero. */
BF16 static void pack_a_bf16(void *dstv, const float *A, int lda, int ta, int i0, int m, int p0, int kc, int mr) {
    uint32_t *restrict dst = dstv;
    (void)mr; /* always MR */
    const int kp = (kc + 1) / 2, kc32 = kc & ~31;
    if (!ta) {
        const __mmask16 keep = (__mmask16)((1u << MR) - 1);
        for (int kb = 0; kb < kc32; kb += 32) { /* 16 pairs: convert each row, transpose rows <-> pairs */
            __m512 r[16];
            for (int i = 0; i < 16; i++) {
                if (i < m) {
                    const float *s = A + (size_t)(i0 + i) * lda + p0 + kb;
                    r[i] = _mm512_castsi512_ps((__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(s + 16), _mm512_loadu_ps(s)));
                } else {
                    r[i] = _mm512_setzero_ps();
                }
            }
            transpose16(r);
            for (int q = 0; q < 16; q++) _mm512_mask_storeu_ps(dst + (size_t)(kb / 2 + q) * MR, keep, r[q]);
        }
        for (int p = kc32 / 2; p < kp; p++)
            for (int i = 0; i < MR; i++) {
                float lo = 0.0f, hi = 0.0f;
                if (i < m) {
                    lo = A[(size_t)(i0 + i) * lda + p0 + 2 * p];
                    hi = 2 * p + 1 < kc ? A[(size_t)(i0 + i) * lda + p0 + 2 * p + 1] : 0.0f;
                }
                __m512bh v = _mm512_cvtne2ps_pbh(_mm512_set1_ps(hi), _mm512_set1_ps(lo));
                uint32_t w[16];
                _mm512_storeu_si512(w, (__m512i)v);
                dst[(size_t)p * MR + i] = (w[0] & 0xFFFFu) | (w[8] & 0xFFFF0000u); /* lo from word 0, hi from word 8 */
            }
    } else {
        float tmp[2 * 16] __attribute__((aligned(64)));
        for (int p = 0; p < kp; p++) {
            const float *r0 = A + (size_t)(p0 + 2 * p) * lda + i0;
            const float *r1 = 2 * p + 1 < kc ? A + (size_t)(p0 + 2 * p + 1) * lda + i0 : NULL;
            for (int i = 0; i < 16; i++) {
                tmp[i] = i < m ? r0[i] : 0.0f;
                tmp[16 + i] = i < m && r1 ? r1[i] : 0.0f;
            }
            /* interleave (lo, hi) per row and convert: word i = (bf16 r0[i], bf16 r1[i]) */
            const __m512 lo = _mm512_load_ps(tmp), hi = _mm512_load_ps(tmp + 16);
            const __m512i idx0 = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            const __m512i idx1 = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_permutex2var_ps(lo, idx1, hi), _mm512_permutex2var_ps(lo, idx0, hi));
            uint32_t w[16];
            _mm512_storeu_si512(w, (__m512i)v);
            for (int i = 0; i < MR; i++) dst[(size_t)p * MR + i] = w[i];
        }
    }
}

/* An fp32 panel (kc x NR, k-major) into k-pair bf16: row pair (2p, 2p+1) -> 32 words (b[2p][j], b[2p+1][j]). */
BF16 static void panel_to_bf16(void *dstv, const float *src, int kc) {
    uint16_t *restrict dst = dstv;
    const __m512i idx0 = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i idx1 = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512 zero = _mm512_setzero_ps();
    for (int p = 0; p < (kc + 1) / 2; p++) {
        const float *r0 = src + (size_t)(2 * p) * NR, *r1 = r0 + NR;
        const int odd = 2 * p + 1 >= kc;
        for (int h = 0; h < 2; h++) {
            const __m512 lo = _mm512_load_ps(r0 + 16 * h), hi = odd ? zero : _mm512_load_ps(r1 + 16 * h);
            const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_permutex2var_ps(lo, idx1, hi), _mm512_permutex2var_ps(lo, idx0, hi));
            _mm512_store_si512((void *)(dst + (size_t)p * 2 * NR + 32 * h), (__m512i)v);
        }
    }
}

static const kn_gemm_kernel g_bf16 = {"avx512-bf16", MR, NR, 2, pack_a_bf16, panel_to_bf16, ukr_bf16};

const kn_gemm_kernel *kn_bf16_kernel(void) {
    return cpu_has_avx512_bf16() ? &g_bf16 : NULL;
}
#else
const kn_gemm_kernel *kn_bf16_kernel(void) { return NULL; }
#endif
