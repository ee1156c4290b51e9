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

#endif
#endif
