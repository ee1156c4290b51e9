/* kernels_bf16.c — the optional bf16 compute path of the workspace GEMM (sam_backend_set_precision):
 * both operands rounded to bfloat16 (round to nearest even) while they are packed, products summed in
 * fp32 by AVX512-BF16's VDPBF16PS, which multiplies and adds a pair of bf16 per 32-bit lane — twice the
 * multiply-adds of an fp32 FMA per instruction. Same structure and determinism as
 * kn_builtin_gemm_packed (kernels_builtin.c): op(A) packed once per K range into the workspace, tasks
 * own column blocks of C, every element accumulated by one thread in a fixed order.
 * Packed layouts hold k in pairs: A panel [k/2][MR] of (bf16 A[i][2p], bf16 A[i][2p+1]) words, B panel
 * [k/2][NR][2] bf16; an odd K gets a zero partner. Compiled only for CPUs that report avx512bf16. */
#include "kernels.h"

#include <stdint.h>
#include <string.h>

#define KC 256 /* k per packed slice (128 pairs), as the fp32 driver */
#define MR 14
#define NR 32

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include "simd_avx512.h"

#define BF16 __attribute__((target("avx512f,avx512bf16")))

int kn_bf16_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
}

/* C (m x n) = alpha * Ap^T Bp + beta C over kp k-pairs: 14 x 32, 28 accumulators. */
BF16 static void ukr_bf16(int kp, const uint32_t *restrict Ap, const uint16_t *restrict Bp, float *restrict C,
                          int ldc, int m, int n, float alpha, float beta) {
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
    const __mmask16 k0 = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    const __mmask16 k1 = n >= 32 ? (__mmask16)0xFFFF : n > 16 ? (__mmask16)((1u << (n - 16)) - 1) : 0;
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < m; i++) {
        float *ci = C + (size_t)i * ldc;
        __m512 r0 = _mm512_mul_ps(va, c0[i]), r1 = _mm512_mul_ps(va, c1[i]);
        if (beta != 0.0f) {
            r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, ci), r0);
            r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, ci + 16), r1);
        }
        _mm512_mask_storeu_ps(ci, k0, r0);
        _mm512_mask_storeu_ps(ci + 16, k1, r1);
    }
}

/* A (rows i0.., untransposed or transposed) into one MR-row panel of k-pairs, rows m..MR zero. */
BF16 static void pack_a_bf16(uint32_t *restrict dst, const float *A, int lda, int ta, int i0, int m, int p0, int kc) {
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
BF16 static void panel_to_bf16(uint16_t *restrict dst, const float *src, int kc) {
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

void kn_bf16_gemm_packed(int M, int N, int K, float alpha, const float *A, int lda, int ta, kn_pack_fn pack_b,
                         kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc, float *ws,
                         size_t ws_floats) {
    uint32_t small_ws[MR * KC / 2] __attribute__((aligned(64)));
    uint32_t *wsu = (uint32_t *)(void *)ws;
    size_t ws_words = ws_floats; /* one uint32 pair per float slot */
    if (!ws || ws_words < (size_t)MR * KC / 2) { wsu = small_ws; ws_words = (size_t)MR * KC / 2; }
    int mc = (int)(ws_words / (KC / 2) / MR) * MR;
    if (mc > M) mc = (M + MR - 1) / MR * MR;
    const int npanel_n = (N + NR - 1) / NR;
    const double work = (double)M * N * K;
    const int nt = work < 262144.0 ? 1 : kn_threads();
    (void)nt;
    for (int i0 = 0; i0 < M; i0 += mc) {
        const int m = M - i0 < mc ? M - i0 : mc;
        const int npa = (m + MR - 1) / MR, mpad = npa * MR;
        int kr = (int)(ws_words / (size_t)mpad / (KC / 2)) * KC;
        if (kr > (K + KC - 1) / KC * KC) kr = (K + KC - 1) / KC * KC;
        for (int r0 = 0; r0 < K; r0 += kr) {
            const int krange = K - r0 < kr ? K - r0 : kr;
            const int nblk = (krange + KC - 1) / KC;
            int per = npanel_n / (8 * (nt > 1 ? nt : 1));
            per = per < 1 ? 1 : per > 8 ? 8 : per;
            const int ntask = (npanel_n + per - 1) / per;
#pragma omp parallel num_threads(nt) if (nt > 1)
            {
#pragma omp for schedule(dynamic, 4)
                for (int t = 0; t < nblk * npa; t++) {
                    const int kb = t / npa, ip = t % npa;
                    const int kc = krange - kb * KC < KC ? krange - kb * KC : KC;
                    const int rows = m - ip * MR < MR ? m - ip * MR : MR;
                    pack_a_bf16(wsu + (size_t)kb * mpad * (KC / 2) + (size_t)ip * MR * ((kc + 1) / 2), A, lda, ta,
                                i0 + ip * MR, rows, r0 + kb * KC, kc);
                }
#pragma omp for schedule(dynamic, 1)
                for (int t = 0; t < ntask; t++) {
                    float Bf[KC * NR] __attribute__((aligned(64)));
                    uint16_t Bp[KC * NR] __attribute__((aligned(64)));
                    const int pa = t * per, pb = pa + per < npanel_n ? pa + per : npanel_n;
                    for (int kb = 0; kb < nblk; kb++) {
                        const int kc = krange - kb * KC < KC ? krange - kb * KC : KC, kp = (kc + 1) / 2;
                        const float bk = r0 + kb * KC == 0 ? beta : 1.0f;
                        const uint32_t *Ablk = wsu + (size_t)kb * mpad * (KC / 2);
                        for (int p = pa; p < pb; p++) {
                            const int j0 = p * NR, n = N - j0 < NR ? N - j0 : NR;
                            pack_b(bsrc, Bf, r0 + kb * KC, kc, j0, n, NR);
                            panel_to_bf16(Bp, Bf, kc);
                            if (prefetch_b) {
                                const int q = p + 1 < pb ? p + 1 : pa, kq = p + 1 < pb ? kb : kb + 1;
                                if (kq < nblk) {
                                    const int kcq = krange - kq * KC < KC ? krange - kq * KC : KC;
                                    prefetch_b(bsrc, r0 + kq * KC, kcq, q * NR, N - q * NR < NR ? N - q * NR : NR);
                                }
                            }
                            for (int ip = 0; ip < npa; ip++) {
                                const int rows = m - ip * MR < MR ? m - ip * MR : MR;
                                ukr_bf16(kp, Ablk + (size_t)ip * MR * kp, Bp, C + (size_t)(i0 + ip * MR) * ldc + j0, ldc,
                                         rows, n, alpha, bk);
                            }
                        }
                    }
                }
            }
        }
    }
}
#else
int kn_bf16_supported(void) { return 0; }
void kn_bf16_gemm_packed(int M, int N, int K, float alpha, const float *A, int lda, int ta, kn_pack_fn pack_b,
                         kn_prefetch_fn prefetch_b, const void *bsrc, float beta, float *C, int ldc, float *ws,
                         size_t ws_floats) {
    kn_builtin_gemm_packed(M, N, K, alpha, A, lda, ta, pack_b, prefetch_b, bsrc, beta, C, ldc, ws, ws_floats);
}
#endif
