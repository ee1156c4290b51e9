/* qmatvec.c — the decode-sized product with a quantized weight, out = x W^T for M <= KN_SMALL_M rows
 * of x, straight from the packed 4/8-bit rows (token-by-token generation: converting a tile would cost
 * more than the product itself). Portable path: per group, scale * (q . x_g) + bias * sum(x_g), with
 * the integer dot products vectorized (GCC vector extensions, an AVX2 clone chosen at run time; 4-bit
 * rows on AVX2 by q4rows_avx2 / q4row1_avx2, 64 values per step with x stored in the kernel's order, no
 * reduction per group);
 * AVX-512 and NEON paths: every row dequantized 16 values at a time exactly as the GEMM packers do,
 * FMA into per-row accumulators. Rows are split over threads (each output element computed by one thread).
 * A kernel: it calls only quant.h (formats), cpu.h and parallel.h. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernels.h"
#include "parallel.h"
#include "quant.h"

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));

/* 4-bit rows multiply x split into its even and odd elements (the low and high nibble of byte k go
 * with x[2k] and x[2k+1]): scratch receives (M, K/2) even then (M, K/2) odd values. */
static void split_even_odd(float *scratch, const float *x, int M, int K, const float **xe, const float **xo) {
    float *e = scratch, *o = scratch + (size_t)M * (K / 2);
    for (int m = 0; m < M; m++)
        for (int k = 0; k < K / 2; k++) {
            e[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k];
            o[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k + 1];
        }
    *xe = e;
    *xo = o;
}

/* By pointer: a vector passed by value between an AVX2-targeted caller and this baseline function
 * would use different calling conventions when not inlined (-Wpsabi). */
static inline float hsum8(const v8f *p) {
    const v8f v = *p;
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

/* Dot products of one quantized row with M inputs, integer part only per group:
 * dots[m * ng + g] = sum_j q_j x_mj over group g. 4-bit: x is pre-split into even/odd elements
 * (xe, xo: the low and high nibble of byte k multiply x[2k] and x[2k+1]); 8-bit: x as is. */
#define DEFINE_QDOT(NAME, ATTR)                                                                          \
    ATTR static void NAME(float *dots, const uint8_t *w, const float *xa, const float *xb, int M, int K,   \
                          int G, int bits) {                                                              \
        const int ng = K / G;                                                                             \
        for (int g = 0; g < ng; g++) {                                                                    \
            const int nb = G * bits / 8; /* bytes of this group */                                         \
            const uint8_t *wg = w + (size_t)g * nb;                                                       \
            for (int m = 0; m < M; m++) {                                                                 \
                v8f acc = {0};                                                                            \
                if (bits == 4) {                                                                          \
                    const float *e = xa + (size_t)m * (K / 2) + (size_t)g * nb, *o = xb + (size_t)m * (K / 2) + (size_t)g * nb; \
                    for (int k = 0; k < nb; k += 8) {                                                     \
                        v8u8 b;                                                                           \
                        memcpy(&b, wg + k, 8);                                                            \
                        const v8i bi = __builtin_convertvector(b, v8i);                                   \
                        v8f ev, ov;                                                                       \
                        memcpy(&ev, e + k, 32);                                                           \
                        memcpy(&ov, o + k, 32);                                                           \
                        acc += __builtin_convertvector(bi & 15, v8f) * ev + __builtin_convertvector(bi >> 4, v8f) * ov; \
                    }                                                                                     \
                } else { /* 8 bits */                                                                     \
                    const float *xg = xa + (size_t)m * K + (size_t)g * G;                                 \
                    for (int k = 0; k < nb; k += 8) {                                                     \
                        v8u8 b;                                                                           \
                        memcpy(&b, wg + k, 8);                                                            \
                        v8f xv;                                                                           \
                        memcpy(&xv, xg + k, 32);                                                          \
                        acc += __builtin_convertvector(__builtin_convertvector(b, v8i), v8f) * xv;        \
                    }                                                                                     \
                }                                                                                         \
                dots[m * ng + g] = hsum8(&acc);                                                            \
            }                                                                                             \
        }                                                                                                 \
    }

DEFINE_QDOT(qdot_generic, )
#ifdef SAM_X86
DEFINE_QDOT(qdot_avx2, __attribute__((target("avx2,fma"))))
#endif
typedef void (*qdot_fn)(float *, const uint8_t *, const float *, const float *, int, int, int, int);
static qdot_fn g_qdot = qdot_generic;
static pthread_once_t g_qdot_once = PTHREAD_ONCE_INIT;
static void qdot_select(void) {
#ifdef SAM_X86
    if (cpu_has_avx2_fma()) g_qdot = qdot_avx2;
#endif
}

#ifdef SAM_X86
#include "simd_avx512.h"

/* Decode-sized product for 4/8-bit weights: every row is read once, dequantized 16 values at a time
 * exactly as in the GEMM path (scale * q + bias) and multiplied into the accumulators of MM input rows
 * (MM is a compile-time constant so they stay in registers; two more chains per row for MM <= 4 hide
 * the FMA latency). 4-bit rows use x split into even and odd elements (xe, xo: the low and high nibble
 * of byte k multiply x[2k] and x[2k+1]); 8-bit rows use x as is (xe). */
#define QSMALL_DEF(MM)                                                                                                \
    AVX512 static void qsmall_##MM(float *out, int ldo, const float *xe, const float *xo, const wmat *W, int r0,    \
                                   int r1) {                                                                         \
        const int K = W->cols, G = W->group, ng = K / G, bits = W->bits, bf = W->sb_bf16;                            \
        const size_t wbytes = (size_t)K * bits / 8, sbytes = (size_t)ng * 2;                                       \
        const int half = bits == 4 ? K / 2 : K, gb = G * bits / 8;                                                  \
        const __m128i m4 = _mm_set1_epi8(0x0F);                                                                     \
        const __m512 iota = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);                    \
        for (int r = r0; r < r1; r++) {                                                                              \
            const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes;                    \
            const uint8_t *br = W->biases + (size_t)r * sbytes;                                                      \
            if (r + 4 < r1) /* rows stream from memory: ask for row r + 4 now */                                   \
                for (size_t b = 0; b < wbytes; b += 64) __builtin_prefetch(wr + 4 * wbytes + b, 0, 0);              \
            __m512 a0[MM], a1[MM], c0[MM], c1[MM];                                                                   \
            _Pragma("GCC unroll 8") for (int m = 0; m < MM; m++) a0[m] = a1[m] = c0[m] = c1[m] = _mm512_setzero_ps(); \
            for (int g = 0; g < ng; g++) {                                                                          \
                const __m512 sc = _mm512_set1_ps(q_load_half(sr, (size_t)g, bf));                                     \
                const __m512 bi = _mm512_set1_ps(q_load_half(br, (size_t)g, bf));                                      \
                /* 4-bit: the group's 16 possible weights, scale * q + bias, looked up by q */                       \
                const __m512 tbl = _mm512_add_ps(_mm512_mul_ps(sc, iota), bi);                                       \
                const uint8_t *wg = wr + (size_t)g * gb;                                                             \
                _Pragma("GCC unroll 2") for (int o = 0; o < gb; o += 16) {                                          \
                    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(wg + o));                      \
                    const size_t xi = (size_t)g * gb + o;                                                            \
                    const int alt = MM <= 4 && (o & 16);                                                             \
                    if (bits == 4) {                                                                                 \
                        const __m512 we = _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm_and_si128(v, m4)), tbl);   \
                        const __m512 wo = _mm512_permutexvar_ps(                                                     \
                            _mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(v, 4), m4)), tbl);                      \
                        _Pragma("GCC unroll 8") for (int m = 0; m < MM; m++) {                                       \
                            const __m512 x0 = _mm512_loadu_ps(xe + (size_t)m * half + xi);                          \
                            const __m512 x1 = _mm512_loadu_ps(xo + (size_t)m * half + xi);                          \
                            if (alt) {                                                                               \
                                c0[m] = _mm512_fmadd_ps(we, x0, c0[m]);                                              \
                                c1[m] = _mm512_fmadd_ps(wo, x1, c1[m]);                                              \
                            } else {                                                                                 \
                                a0[m] = _mm512_fmadd_ps(we, x0, a0[m]);                                              \
                                a1[m] = _mm512_fmadd_ps(wo, x1, a1[m]);                                              \
                            }                                                                                        \
                        }                                                                                            \
                    } else {                                                                                         \
                        const __m512 w8 = _mm512_add_ps(_mm512_mul_ps(sc, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v))), bi); \
                        _Pragma("GCC unroll 8") for (int m = 0; m < MM; m++) {                                       \
                            const __m512 x0 = _mm512_loadu_ps(xe + (size_t)m * half + xi);                          \
                            if (o & 16) a1[m] = _mm512_fmadd_ps(w8, x0, a1[m]);                                     \
                            else a0[m] = _mm512_fmadd_ps(w8, x0, a0[m]);                                            \
                        }                                                                                            \
                    }                                                                                                \
                }                                                                                                    \
            }                                                                                                        \
            _Pragma("GCC unroll 8") for (int m = 0; m < MM; m++) out[(size_t)m * ldo + r] =                         \
                _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0[m], a1[m]), _mm512_add_ps(c0[m], c1[m])));      \
        }                                                                                                            \
    }
QSMALL_DEF(1)
QSMALL_DEF(2)
QSMALL_DEF(3)
QSMALL_DEF(4)
QSMALL_DEF(5)
QSMALL_DEF(6)
QSMALL_DEF(7)
QSMALL_DEF(8)
typedef void (*qsmall_fn)(float *, int, const float *, const float *, const wmat *, int, int);
static const qsmall_fn QSMALL[KN_SMALL_M + 1] = {NULL, qsmall_1, qsmall_2, qsmall_3, qsmall_4, qsmall_5, qsmall_6, qsmall_7, qsmall_8};

typedef struct { float *out; int ldo; const float *xe, *xo; const wmat *W; int M; } qsmall_job;
static void qsmall_body(void *ctx, long c0, long c1) {
    const qsmall_job *j = ctx;
    const int rows = j->W->rows;
    for (long c = c0; c < c1; c++)
        QSMALL[j->M](j->out, j->ldo, j->xe, j->xo, j->W, (int)c * 32, (int)(c + 1) * 32 < rows ? (int)(c + 1) * 32 : rows);
}
#endif

#ifdef SAM_NEON
#include "simd_neon.h"
/* Decode-sized product on NEON (4/8-bit): every row is read once and dequantized 16 values at a time
 * with the packers' arithmetic (simd_neon.h), then multiplied into MM per-row accumulators (MM is a
 * compile-time constant so they stay in registers; two chains per row hide the FMA latency). x is
 * used as is: the 4-bit nibbles are unpacked in element order. */
#define QNEON_DEF(MM)                                                                                              \
    static void qneon_##MM(float *out, int ldo, const float *x, const wmat *W, int r0, int r1) {                   \
        const int K = W->cols, G = W->group, ng = K / G, bits = W->bits, bf = W->sb_bf16;                          \
        const size_t wbytes = (size_t)K * bits / 8, sbytes = (size_t)ng * 2, gb = (size_t)G * bits / 8;          \
        for (int r = r0; r < r1; r++) {                                                                            \
            const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes;                   \
            const uint8_t *br = W->biases + (size_t)r * sbytes;                                                    \
            if (r + 4 < r1) /* rows stream from memory: ask for row r + 4 now */                                 \
                for (size_t b = 0; b < wbytes; b += 64) __builtin_prefetch(wr + 4 * wbytes + b, 0, 0);            \
            float32x4_t a0[MM], a1[MM];                                                                            \
            for (int m = 0; m < MM; m++) a0[m] = a1[m] = vdupq_n_f32(0.0f);                                        \
            for (int g = 0; g < ng; g++) {                                                                         \
                const float32x4_t vs = vdupq_n_f32(q_load_half(sr, (size_t)g, bf));                                \
                const float32x4_t vb = vdupq_n_f32(q_load_half(br, (size_t)g, bf));                                \
                const uint8_t *wg = wr + (size_t)g * gb;                                                           \
                for (int o = 0; o < G; o += 16) {                                                                  \
                    float32x4_t w[4];                                                                              \
                    dq16_neon(w, bits == 4 ? nib16_neon(wg + o / 2) : vld1q_u8(wg + o), vs, vb);                   \
                    const size_t xi = (size_t)g * G + o;                                                           \
                    for (int m = 0; m < MM; m++) {                                                                 \
                        const float *xm = x + (size_t)m * K + xi;                                                  \
                        a0[m] = vfmaq_f32(a0[m], w[0], vld1q_f32(xm));                                             \
                        a1[m] = vfmaq_f32(a1[m], w[1], vld1q_f32(xm + 4));                                         \
                        a0[m] = vfmaq_f32(a0[m], w[2], vld1q_f32(xm + 8));                                         \
                        a1[m] = vfmaq_f32(a1[m], w[3], vld1q_f32(xm + 12));                                        \
                    }                                                                                              \
                }                                                                                                  \
            }                                                                                                      \
            for (int m = 0; m < MM; m++) out[(size_t)m * ldo + r] = vaddvq_f32(vaddq_f32(a0[m], a1[m]));           \
        }                                                                                                          \
    }
QNEON_DEF(1)
QNEON_DEF(2)
QNEON_DEF(3)
QNEON_DEF(4)
QNEON_DEF(5)
QNEON_DEF(6)
QNEON_DEF(7)
QNEON_DEF(8)
typedef void (*qneon_fn)(float *, int, const float *, const wmat *, int, int);
static const qneon_fn QNEON[KN_SMALL_M + 1] = {NULL, qneon_1, qneon_2, qneon_3, qneon_4, qneon_5, qneon_6, qneon_7, qneon_8};

typedef struct { float *out; int ldo; const float *x; const wmat *W; int M; } qneon_job;
static void qneon_body(void *ctx, long c0, long c1) {
    const qneon_job *j = ctx;
    const int rows = j->W->rows;
    for (long c = c0; c < c1; c++)
        QNEON[j->M](j->out, j->ldo, j->x, j->W, (int)c * 32, (int)(c + 1) * 32 < rows ? (int)(c + 1) * 32 : rows);
}
#endif

typedef struct qrows_job {
    float *out;
    int ldo, M, pre;
    int q4avx2; /* rows run q4rows_avx2 (xa in q4_permute_x's order) */
    const float *x, *xa, *xb, *xs;
    const wmat *W;
} qrows_job;
static void qrows_body(void *ctx, long r0, long r1);

#ifdef SAM_X86
#include <immintrin.h>

#include "simd_avx2.h"
/* The 4-bit decode rows on AVX2 (the exact fp32 path where AVX-512 is missing). The cost is the
 * nibble -> fp32 conversion, not memory (at the real 1.5B shape the first version converted 16 values
 * per step with two vpunpckhqdq and four vpmovzxbd and read about 9 GB/s against the int8 kernel's 22),
 * so the row is taken 64 values (32 bytes) at a time with the fewest instructions per value: one load,
 * the nibbles masked out of all 32 bytes at once, then per 8 values one vpshufb that places four bytes
 * of each 128-bit half into dwords (no cross-lane step), one vcvtdq2ps and one FMA against x, which
 * q4_permute_x stored in that same order. Per block, the products are scaled by the groups' scales
 * (the two halves of a block belong to different groups when the group is 32), and the bias term
 * sum_g bias_g * sum(x_g) is one vectorized dot product per row. MM (rows of x) is a compile-time
 * constant for M = 1 so the accumulators stay in registers. */
#define Q4B 64 /* values per block: 32 bytes of nibbles */
#define KN_Q4_MAX_GROUPS 512
#define KN_Q4_MAX_BLOCKS 1024 /* K <= 65536 */
/* x (M, K) reordered for q4rows_avx2: in block b, first the low nibbles' partners, 8 per pshufb k
 * (bytes 4k..4k+3 of the first half, then of the second half), then the high nibbles' partners in the
 * same order. Byte i of the block holds values 2i (low nibble) and 2i + 1 (high nibble). */
static void q4_permute_x(float *xp, const float *x, int M, int K) {
    for (int m = 0; m < M; m++)
        for (int b = 0; b < K / Q4B; b++) {
            const float *xb = x + (size_t)m * K + (size_t)b * Q4B;
            float *o = xp + (size_t)m * K + (size_t)b * Q4B;
            for (int k = 0; k < 4; k++)
                for (int l = 0; l < 8; l++) {
                    const int byte = (l < 4 ? 0 : 16) + 4 * k + (l & 3);
                    o[8 * k + l] = xb[2 * byte];
                    o[32 + 8 * k + l] = xb[2 * byte + 1];
                }
        }
}
/* pshufb k: bytes 4k..4k+3 of each 128-bit half into the low byte of four dwords */
__attribute__((target("avx2"), always_inline)) static inline void q4_selectors(__m256i sel[4]) {
    for (int k = 0; k < 4; k++) {
        int8_t c[32];
        for (int i = 0; i < 32; i++) c[i] = (i & 3) ? (int8_t)-128 : (int8_t)(4 * k + (i & 15) / 4);
        sel[k] = _mm256_loadu_si256((const __m256i *)(const void *)c);
    }
}
/* A row's ng scales and biases as fp32, 8 at a time. */
__attribute__((target("avx2,f16c"), always_inline)) static inline void q4_row_scales(float *sc, float *bi, const uint8_t *sr, const uint8_t *br, int ng, int bf) {
    int g = 0;
    for (; g + 8 <= ng; g += 8) {
        _mm256_storeu_ps(sc + g, half8_avx2(sr + 2 * g, bf));
        _mm256_storeu_ps(bi + g, half8_avx2(br + 2 * g, bf));
    }
    for (; g < ng; g++) {
        sc[g] = q_load_half(sr, (size_t)g, bf);
        bi[g] = q_load_half(br, (size_t)g, bf);
    }
}
/* sum_g bias_g * sum(x_g): the bias part of one output */
__attribute__((target("avx2,fma"), always_inline)) static inline float q4_bias_dot(const float *bi, const float *xs, int ng) {
    __m256 db = _mm256_setzero_ps();
    int g = 0;
    for (; g + 8 <= ng; g += 8) db = _mm256_fmadd_ps(_mm256_loadu_ps(bi + g), _mm256_loadu_ps(xs + g), db);
    float tb = 0.0f;
    for (; g < ng; g++) tb += bi[g] * xs[g];
    return hsum8_avx2(db) + tb;
}
/* The block's 64 products with x (xb in q4_permute_x's order), summed over two FMA chains; the low
 * nibbles' products first, then the high ones', so that few registers are live (with all eight
 * converted vectors, four accumulators and the selectors, GCC spilled an accumulator to the stack). */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 q4_block_dot(const uint8_t *p, const __m256i sel[4], const float *xb) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    const __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
#define Q4_W(N, K) _mm256_cvtepi32_ps(_mm256_shuffle_epi8(N, sel[K]))
    __m256 c0 = _mm256_mul_ps(Q4_W(lo, 0), _mm256_loadu_ps(xb));
    __m256 c1 = _mm256_mul_ps(Q4_W(lo, 1), _mm256_loadu_ps(xb + 8));
    c0 = _mm256_fmadd_ps(Q4_W(lo, 2), _mm256_loadu_ps(xb + 16), c0);
    c1 = _mm256_fmadd_ps(Q4_W(lo, 3), _mm256_loadu_ps(xb + 24), c1);
    c0 = _mm256_fmadd_ps(Q4_W(hi, 0), _mm256_loadu_ps(xb + 32), c0);
    c1 = _mm256_fmadd_ps(Q4_W(hi, 1), _mm256_loadu_ps(xb + 40), c1);
    c0 = _mm256_fmadd_ps(Q4_W(hi, 2), _mm256_loadu_ps(xb + 48), c0);
    c1 = _mm256_fmadd_ps(Q4_W(hi, 3), _mm256_loadu_ps(xb + 56), c1);
#undef Q4_W
    return _mm256_add_ps(c0, c1);
}
/* MM rows of x, any group that is a multiple of 32 (with group 32 the two halves of a block have
 * their own scales). */
__attribute__((target("avx2,fma,f16c"), always_inline)) static inline void q4rows_avx2_mm(const qrows_job *j, int r0, int r1, const int MM) {
    const wmat *W = j->W;
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, nblk = K / Q4B;
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;
    __m256i sel[4];
    q4_selectors(sel);
    float sc[KN_Q4_MAX_GROUPS], bi[KN_Q4_MAX_GROUPS];
    for (int r = r0; r < r1; r++) {
        const uint8_t *wr = W->w + (size_t)r * wbytes;
        q4_row_scales(sc, bi, W->scales + (size_t)r * sbytes, W->biases + (size_t)r * sbytes, ng, bf);
        __m256 acc[KN_SMALL_M];
        for (int m = 0; m < MM; m++) acc[m] = _mm256_setzero_ps();
        int g0 = 0, g1 = Q4B / 2 >= G ? 1 : 0, o0 = 0, o1 = Q4B / 2 % G; /* groups of the block's halves, offsets in them */
        for (int b = 0; b < nblk; b++) {
            const uint8_t *wb = wr + (size_t)b * (Q4B / 2);
            const __m256 s = g0 == g1 ? _mm256_broadcast_ss(sc + g0)
                                      : _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_broadcast_ss(sc + g0)), _mm_broadcast_ss(sc + g1), 1);
            for (int m = 0; m < MM; m++) acc[m] = _mm256_fmadd_ps(s, q4_block_dot(wb, sel, j->xa + (size_t)m * K + (size_t)b * Q4B), acc[m]);
            for (o0 += Q4B; o0 >= G; o0 -= G) g0++; /* no division per block */
            for (o1 += Q4B; o1 >= G; o1 -= G) g1++;
        }
        for (int m = 0; m < MM; m++) j->out[(size_t)m * j->ldo + r] = hsum8_avx2(acc[m]) + q4_bias_dot(bi, j->xs + (size_t)m * ng, ng);
    }
}
/* One row of x with groups of 64 or more (every Qwen2 matrix): the blocks in one flat loop over four
 * accumulators, with each block's scale looked up from a per-block array (as q8_row1 does: the nested
 * loop's exit and scale step per block cost a fifth of the rate). */
__attribute__((target("avx2,fma,f16c"))) static void q4row1_avx2(const qrows_job *j, int r0, int r1) {
    const wmat *W = j->W;
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, nblk = K / Q4B, bpg = G / Q4B;
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;
    __m256i sel[4];
    q4_selectors(sel);
    float sc[KN_Q4_MAX_GROUPS], bi[KN_Q4_MAX_GROUPS], sb[KN_Q4_MAX_BLOCKS];
    for (int r = r0; r < r1; r++) {
        const uint8_t *wr = W->w + (size_t)r * wbytes;
        q4_row_scales(sc, bi, W->scales + (size_t)r * sbytes, W->biases + (size_t)r * sbytes, ng, bf);
        const float *sp = sc;
        if (bpg > 1) {
            for (int b = 0; b < nblk; b++) sb[b] = sc[b / bpg];
            sp = sb;
        }
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        int b = 0;
        for (; b + 4 <= nblk; b += 4)
            for (int u = 0; u < 4; u++)
                a[u] = _mm256_fmadd_ps(_mm256_broadcast_ss(sp + b + u), q4_block_dot(wr + (size_t)(b + u) * (Q4B / 2), sel, j->xa + (size_t)(b + u) * Q4B), a[u]);
        for (; b < nblk; b++)
            a[0] = _mm256_fmadd_ps(_mm256_broadcast_ss(sp + b), q4_block_dot(wr + (size_t)b * (Q4B / 2), sel, j->xa + (size_t)b * Q4B), a[0]);
        j->out[r] = hsum8_avx2(_mm256_add_ps(_mm256_add_ps(a[0], a[1]), _mm256_add_ps(a[2], a[3]))) + q4_bias_dot(bi, j->xs, ng);
    }
}
/* q4rows_avx2 takes these (M * groups <= 512 also keeps the per-group sums of x precomputed) */
static int q4_avx2_fits(const wmat *W, int M) {
    return W->bits == 4 && W->group % 32 == 0 && W->cols % Q4B == 0 && W->cols / W->group <= KN_Q4_MAX_GROUPS && W->cols / Q4B <= KN_Q4_MAX_BLOCKS &&
           M >= 1 && M <= KN_SMALL_M && M * (W->cols / W->group) <= 4096 && cpu_has_avx2_fma() && cpu_has_f16c();
}
__attribute__((target("avx2,fma,f16c"))) static void q4rows_avx2_1(const qrows_job *j, int r0, int r1) { q4rows_avx2_mm(j, r0, r1, 1); }
__attribute__((target("avx2,fma,f16c"))) static void q4rows_avx2_n(const qrows_job *j, int r0, int r1) { q4rows_avx2_mm(j, r0, r1, j->M); }


#else
static int q4_avx2_fits(const wmat *W, int M) { (void)W; (void)M; return 0; }
static void q4_permute_x(float *xp, const float *x, int M, int K) { (void)xp; (void)x; (void)M; (void)K; }
#endif

void kn_qmatvec(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats) {
    quant_init();
    pthread_once(&g_qdot_once, qdot_select);
#ifdef SAM_X86
    if (cpu_isa() == ISA_AVX512 && (W->bits == 4 || W->bits == 8) && M >= 1 && M <= KN_SMALL_M &&
        (size_t)M * W->cols <= scratch_floats) {
        const int K = W->cols;
        const float *xe = x, *xo = NULL;
        if (W->bits == 4) split_even_odd(scratch, x, M, K, &xe, &xo);
        const int rows = W->rows, nchunk = (rows + 31) / 32; /* chunks of 32 rows */
        qsmall_job job = {out, ldo, xe, xo, W, M};
        par_for(nchunk, 1, (size_t)rows * K >= 65536 ? par_threads() : 1, qsmall_body, &job);
        return;
    }
#endif
#ifdef SAM_NEON
    if (cpu_isa() == ISA_NEON && (W->bits == 4 || W->bits == 8) && W->group % 16 == 0 && M >= 1 && M <= KN_SMALL_M) {
        const int rows = W->rows, nchunk = (rows + 31) / 32; /* chunks of 32 rows */
        qneon_job job = {out, ldo, x, W, M};
        par_for(nchunk, 1, (size_t)rows * W->cols >= 65536 ? par_threads() : 1, qneon_body, &job);
        return;
    }
#endif
    const int K = W->cols, G = W->group, ng = K / G, bits = W->bits;
    if ((bits == 4 || bits == 8) && (size_t)M * K > scratch_floats) { /* not enough scratch: one row of x at a time */
        for (int m = 0; m < M; m++) kn_qmatvec(out + (size_t)m * ldo, ldo, x + (size_t)m * K, W, 1, scratch, scratch_floats);
        return;
    }
    /* 4-bit: x split into even/odd elements in scratch (M, K/2) + (M, K/2), or in q4rows_avx2's order */
    const float *xa = x, *xb = NULL;
    const int q4avx2 = q4_avx2_fits(W, M);
    if (q4avx2) {
        q4_permute_x(scratch, x, M, K);
        xa = scratch;
    } else if (bits == 4)
        split_even_odd(scratch, x, M, K, &xa, &xb);
    /* per-group sums of x, shared by all rows (bias term); inline when they do not fit */
    float xs_buf[4096];
    const int pre = (size_t)M * ng <= 4096;
    if (pre)
        for (int m = 0; m < M; m++)
            for (int g = 0; g < ng; g++) {
                v8f s = {0};
                for (int j = 0; j < G; j += 8) { v8f xx; memcpy(&xx, x + (size_t)m * K + (size_t)g * G + j, 32); s += xx; }
                xs_buf[m * ng + g] = hsum8(&s);
            }
    qrows_job job = {out, ldo, M, pre, q4avx2, x, xa, xb, xs_buf, W};
    par_for_guided(W->rows, 16, (size_t)W->rows * K >= 65536 ? par_threads() : 1, qrows_body, &job);
}

/* Rows [r0, r1) of the portable path: per group, scale * (q . x_g) + bias * sum(x_g). */
static void qrows_body(void *ctx, long r0, long r1) {
    const qrows_job *j = ctx;
    const wmat *W = j->W;
    const int M = j->M, K = W->cols, G = W->group, ng = K / G, bits = W->bits, pre = j->pre, ldo = j->ldo;
    const size_t wbytes = (size_t)K * bits / 8, sbytes = (size_t)ng * 2;
    const float *x = j->x, *xa = j->xa, *xb = j->xb, *xs_buf = j->xs;
    float *out = j->out;
    float qv[128] __attribute__((aligned(32))), acc[KN_SMALL_M], dots[KN_SMALL_M * 512];
    const uint16_t one = 0x3C00, zero = 0; /* scale 1, bias 0: unpack the raw integers */
    const int fast = (bits == 4 || bits == 8) && pre && ng <= 512;
#ifdef SAM_X86
    if (j->q4avx2) {
        if (M == 1 && G % Q4B == 0) q4row1_avx2(j, (int)r0, (int)r1);
        else if (M == 1) q4rows_avx2_1(j, (int)r0, (int)r1);
        else q4rows_avx2_n(j, (int)r0, (int)r1);
        return;
    }
#endif
    for (int r = (int)r0; r < (int)r1; r++) {
    const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
        for (int m = 0; m < M; m++) acc[m] = 0.0f;
        if (fast) {
            g_qdot(dots, wr, xa, xb, M, K, G, bits);
            for (int g = 0; g < ng; g++) {
                const float s = q_load_half(sr, (size_t)g, W->sb_bf16), b = q_load_half(br, (size_t)g, W->sb_bf16);
                for (int m = 0; m < M; m++) acc[m] += s * dots[m * ng + g] + b * xs_buf[m * ng + g];
            }
        } else {
            for (int g = 0; g < ng; g++) {
                /* the group's bits start at byte g*G*bits/8 (G is a multiple of 32) */
                q_dequant_row(qv, wr + (size_t)g * G * bits / 8, (const uint8_t *)&one, (const uint8_t *)&zero, 0, G, bits, G);
                const float s = q_load_half(sr, (size_t)g, W->sb_bf16), b = q_load_half(br, (size_t)g, W->sb_bf16);
                for (int m = 0; m < M; m++) {
                    const float *xg = x + (size_t)m * K + (size_t)g * G;
                    v8f d = {0}, sx = {0};
                    for (int j = 0; j < G; j += 8) {
                        v8f qq, xx;
                        memcpy(&qq, qv + j, 32);
                        memcpy(&xx, xg + j, 32);
                        d += qq * xx;
                        sx += xx;
                    }
                    acc[m] += s * hsum8(&d) + b * (pre ? xs_buf[m * ng + g] : hsum8(&sx));
                }
            }
        }
        for (int m = 0; m < M; m++) out[(size_t)m * ldo + r] = acc[m];
    }
}
