/* simd_avx2.h — small AVX2 helpers shared by the packers (quant.c, kernels_f32.c) and the decode kernels. Functions carry their
 * own target attribute: include only from code that checks the CPU at run time. F16C comes with every
 * AVX2 CPU (Haswell, Zen), so the AVX2 paths may use it. */
#ifndef SAM_SIMD_AVX2_H
#define SAM_SIMD_AVX2_H
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include <stdint.h>

#define AVX2F __attribute__((target("avx2,fma,f16c")))

/* Sum of the 8 lanes: halves, then pairs, then the last two (the order every AVX2 kernel here used).
 * Target avx2 only, so that it inlines into every AVX2 caller, whatever else the caller enables. */
__attribute__((target("avx2"), always_inline)) static inline float hsum8_avx2(__m256 v) {
    const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 h2 = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}

/* 8 consecutive half-precision values (fp16 with F16C, or bf16: a shift) at p as fp32. */
__attribute__((target("avx2,f16c"), always_inline)) static inline __m256 half8_avx2(const uint8_t *p, int bf16) {
    const __m128i h = _mm_loadu_si128((const __m128i *)(const void *)p);
    return bf16 ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)) : _mm256_cvtph_ps(h);
}

/* In-register transpose of an 8 x 8 block: r[i] holds row i before, column i after. */
AVX2F static inline void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

#endif
#endif
