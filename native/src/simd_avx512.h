/* simd_avx512.h — small AVX-512 helpers shared by the packers (quant.c, kernels_builtin.c). Functions
 * carry their own target attribute: include only from code that checks the CPU at run time. */
#ifndef SAM_SIMD_AVX512_H
#define SAM_SIMD_AVX512_H
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

/* In-register transpose of a 16 x 16 block: r[i] holds row i before, column i after. */
AVX512 static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    /* r[4q + b], 128-bit lane L = column 4L + b, rows 4q..4q+3 */
    for (int b = 0; b < 4; b++) {
        t[b] = _mm512_shuffle_f32x4(r[b], r[b + 4], 0x88);
        t[b + 4] = _mm512_shuffle_f32x4(r[b], r[b + 4], 0xDD);
        t[b + 8] = _mm512_shuffle_f32x4(r[b + 8], r[b + 12], 0x88);
        t[b + 12] = _mm512_shuffle_f32x4(r[b + 8], r[b + 12], 0xDD);
    }
    for (int b = 0; b < 4; b++) {
        r[b] = _mm512_shuffle_f32x4(t[b], t[b + 8], 0x88);
        r[b + 8] = _mm512_shuffle_f32x4(t[b], t[b + 8], 0xDD);
        r[b + 4] = _mm512_shuffle_f32x4(t[b + 4], t[b + 12], 0x88);
        r[b + 12] = _mm512_shuffle_f32x4(t[b + 4], t[b + 12], 0xDD);
    }
}

/* The end of a 14 x 32 (or fewer rows) micro-kernel: rows i < m of C (n <= 32 columns, masked) =
 * alpha * (c0[i], c1[i]) + beta * C (beta == 0: C not read), one rounding for the beta term (FMA). */
AVX512 __attribute__((always_inline)) static inline void store_tile32_avx512(float *C, int ldc, int m, int n, const __m512 *c0, const __m512 *c1,
                                              float alpha, float beta) {
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

#endif
#endif
