/* quant.c — fp16/bf16 conversion and MLX affine dequantization (see quant.h).
 * MLX reference: mlx/backend/cpu/quantized.cpp (extract_bits, _qmm) — w = scale * q + bias. */
#include "quant.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "kernels.h"

static float g_f16_table[65536];
static pthread_once_t g_f16_once = PTHREAD_ONCE_INIT;

static float f16_bits_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0) {
        if (man == 0) bits = sign;
        else { /* subnormal: normalize */
            int e = -1;
            do { man <<= 1; e++; } while (!(man & 0x400));
            man &= 0x3FF;
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | (man << 13);
        }
    } else if (exp == 31) bits = sign | 0x7F800000u | (man << 13);
    else bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static void f16_table_init(void) {
    for (uint32_t i = 0; i < 65536; i++) g_f16_table[i] = f16_bits_to_f32((uint16_t)i);
}

float f16_to_f32(uint16_t h) {
    pthread_once(&g_f16_once, f16_table_init);
    return g_f16_table[h];
}

float bf16_to_f32(uint16_t h) {
    uint32_t b = (uint32_t)h << 16;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

uint16_t f32_to_bf16(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    if ((b & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((b >> 16) | 0x40); /* quiet NaN */
    b += 0x7FFF + ((b >> 16) & 1);
    return (uint16_t)(b >> 16);
}

uint16_t f32_to_f16(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    uint32_t sign = (b >> 16) & 0x8000, ab = b & 0x7FFFFFFFu;
    if (ab > 0x7F800000u) return (uint16_t)(sign | 0x7E00);
    if (ab >= 0x477FF000u) return (uint16_t)(sign | 0x7C00); /* rounds to inf */
    if (ab < 0x38800000u) { /* subnormal or zero in f16 */
        float a;
        memcpy(&a, &ab, 4);
        /* a * 2^24 rounded to nearest even integer gives the subnormal mantissa */
        float m = nearbyintf(a * 16777216.0f);
        return (uint16_t)(sign | (uint16_t)m);
    }
    uint32_t e = ((ab >> 23) - 127 + 15), man = ab & 0x7FFFFF;
    uint32_t h = (e << 10) | (man >> 13);
    uint32_t rem = man & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

static inline float load_half(const uint8_t *p, size_t i, int bf16) {
    uint16_t h;
    memcpy(&h, p + 2 * i, 2);
    return bf16 ? bf16_to_f32(h) : g_f16_table[h];
}

int q_bits_supported(int bits) {
    return bits == 2 || bits == 3 || bits == 4 || bits == 5 || bits == 6 || bits == 8;
}

void q_dequant_row(float *dst, const uint8_t *wrow, const uint8_t *srow, const uint8_t *brow,
                   int sb_bf16, int cols, int bits, int group) {
    pthread_once(&g_f16_once, f16_table_init);
    int ngroups = cols / group;
    for (int g = 0; g < ngroups; g++) {
        const float s = load_half(srow, (size_t)g, sb_bf16), b = load_half(brow, (size_t)g, sb_bf16);
        float *o = dst + (size_t)g * group;
        const size_t j0 = (size_t)g * group;
        if (bits == 4) {
            const uint8_t *p = wrow + j0 / 2;
            for (int j = 0; j < group; j += 2) {
                uint8_t v = p[j / 2];
                o[j] = s * (float)(v & 15) + b;
                o[j + 1] = s * (float)(v >> 4) + b;
            }
        } else if (bits == 8) {
            const uint8_t *p = wrow + j0;
            for (int j = 0; j < group; j++) o[j] = s * (float)p[j] + b;
        } else if (bits == 2) {
            const uint8_t *p = wrow + j0 / 4;
            for (int j = 0; j < group; j += 4) {
                uint8_t v = p[j / 4];
                o[j] = s * (float)(v & 3) + b;
                o[j + 1] = s * (float)((v >> 2) & 3) + b;
                o[j + 2] = s * (float)((v >> 4) & 3) + b;
                o[j + 3] = s * (float)(v >> 6) + b;
            }
        } else { /* 3, 5, 6: values straddle bytes in the row's little-endian bit stream */
            const unsigned mask = (1u << bits) - 1;
            for (int j = 0; j < group; j++) {
                size_t bit = (j0 + (size_t)j) * (size_t)bits, byte = bit >> 3;
                unsigned sh = (unsigned)(bit & 7), v = wrow[byte];
                if (sh + (unsigned)bits > 8) v |= (unsigned)wrow[byte + 1] << 8;
                o[j] = s * (float)((v >> sh) & mask) + b;
            }
        }
    }
}

static void convert_row(const wmat *W, int r, float *dst) {
    const size_t c = (size_t)W->cols;
    switch (W->kind) {
    case WM_F32: memcpy(dst, W->w + (size_t)r * c * 4, c * 4); break;
    case WM_F16: {
        const uint8_t *p = W->w + (size_t)r * c * 2;
        for (size_t j = 0; j < c; j++) dst[j] = load_half(p, j, 0);
        break;
    }
    case WM_BF16: {
        const uint8_t *p = W->w + (size_t)r * c * 2;
        for (size_t j = 0; j < c; j++) dst[j] = load_half(p, j, 1);
        break;
    }
    default: {
        const size_t wbytes = c * (size_t)W->bits / 8, sbytes = c / (size_t)W->group * 2;
        q_dequant_row(dst, W->w + (size_t)r * wbytes, W->scales + (size_t)r * sbytes,
                      W->biases + (size_t)r * sbytes, W->sb_bf16, W->cols, W->bits, W->group);
    }
    }
}

void wmat_rows(const wmat *W, int r0, int n, float *dst) {
    pthread_once(&g_f16_once, f16_table_init);
    if (W->direct) {
        memcpy(dst, W->direct + (size_t)r0 * W->cols, (size_t)n * W->cols * sizeof(float));
        return;
    }
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, 4) num_threads(nt) if ((size_t)n * W->cols >= 32768)
    for (int i = 0; i < n; i++) convert_row(W, r0 + i, dst + (size_t)i * W->cols);
}

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));

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
#if defined(__x86_64__) && defined(__GNUC__)
DEFINE_QDOT(qdot_avx2, __attribute__((target("avx2,fma"))))
#endif
typedef void (*qdot_fn)(float *, const uint8_t *, const float *, const float *, int, int, int, int);
static qdot_fn g_qdot = qdot_generic;
static pthread_once_t g_qdot_once = PTHREAD_ONCE_INIT;
static void qdot_select(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) g_qdot = qdot_avx2;
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
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
                const __m512 sc = _mm512_set1_ps(load_half(sr, (size_t)g, bf));                                     \
                const __m512 bi = _mm512_set1_ps(load_half(br, (size_t)g, bf));                                      \
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
static const qsmall_fn QSMALL[Q_SMALL_M + 1] = {NULL, qsmall_1, qsmall_2, qsmall_3, qsmall_4, qsmall_5, qsmall_6, qsmall_7, qsmall_8};
#endif

void q_matmul_small(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats) {
    pthread_once(&g_f16_once, f16_table_init);
    pthread_once(&g_qdot_once, qdot_select);
#if defined(__x86_64__) && defined(__GNUC__)
    if (kn_isa_level() >= 2 && (W->bits == 4 || W->bits == 8) && M >= 1 && M <= Q_SMALL_M &&
        (size_t)M * W->cols <= scratch_floats) {
        const int K = W->cols, nt = kn_threads();
        const float *xe = x, *xo = NULL;
        if (W->bits == 4) { /* even / odd elements of every row of x */
            float *e = scratch, *o = scratch + (size_t)M * (K / 2);
            for (int m = 0; m < M; m++)
                for (int k = 0; k < K / 2; k++) {
                    e[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k];
                    o[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k + 1];
                }
            xe = e;
            xo = o;
        }
        const int rows = W->rows, chunk = 32, nchunk = (rows + chunk - 1) / chunk;
        (void)nt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if ((size_t)rows * K >= 65536)
        for (int c = 0; c < nchunk; c++)
            QSMALL[M](out, ldo, xe, xo, W, c * chunk, (c + 1) * chunk < rows ? (c + 1) * chunk : rows);
        return;
    }
#endif
    const int K = W->cols, G = W->group, ng = K / G, bits = W->bits;
    if ((bits == 4 || bits == 8) && (size_t)M * K > scratch_floats) { /* not enough scratch: one row of x at a time */
        for (int m = 0; m < M; m++) q_matmul_small(out + (size_t)m * ldo, ldo, x + (size_t)m * K, W, 1, scratch, scratch_floats);
        return;
    }
    const size_t wbytes = (size_t)K * bits / 8, sbytes = (size_t)ng * 2;
    /* 4-bit: x split into even/odd elements in scratch (M, K/2) + (M, K/2) */
    const float *xa = x, *xb = NULL;
    if (bits == 4) {
        float *e = scratch, *o = scratch + (size_t)M * (K / 2);
        for (int m = 0; m < M; m++)
            for (int k = 0; k < K / 2; k++) {
                e[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k];
                o[(size_t)m * (K / 2) + k] = x[(size_t)m * K + 2 * k + 1];
            }
        xa = e;
        xb = o;
    }
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
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel num_threads(nt) if ((size_t)W->rows * K >= 65536)
    {
        float qv[128] __attribute__((aligned(32))), acc[Q_SMALL_M], dots[Q_SMALL_M * 512];
        const uint16_t one = 0x3C00, zero = 0; /* scale 1, bias 0: unpack the raw integers */
        const int fast = (bits == 4 || bits == 8) && pre && ng <= 512;
#pragma omp for schedule(dynamic, 16)
        for (int r = 0; r < W->rows; r++) {
            const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
            for (int m = 0; m < M; m++) acc[m] = 0.0f;
            if (fast) {
                g_qdot(dots, wr, xa, xb, M, K, G, bits);
                for (int g = 0; g < ng; g++) {
                    const float s = load_half(sr, (size_t)g, W->sb_bf16), b = load_half(br, (size_t)g, W->sb_bf16);
                    for (int m = 0; m < M; m++) acc[m] += s * dots[m * ng + g] + b * xs_buf[m * ng + g];
                }
            } else {
                for (int g = 0; g < ng; g++) {
                    /* the group's bits start at byte g*G*bits/8 (G is a multiple of 32) */
                    q_dequant_row(qv, wr + (size_t)g * G * bits / 8, (const uint8_t *)&one, (const uint8_t *)&zero, 0, G, bits, G);
                    const float s = load_half(sr, (size_t)g, W->sb_bf16), b = load_half(br, (size_t)g, W->sb_bf16);
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
}

/* ---- packing for the builtin GEMM (kernels_builtin.c): dequantization fused into the panels ---- */

/* Columns [c0, c0+n) of row r of W as fp32 (the values convert_row gives). */
static void wmat_seg(const wmat *W, int r, int c0, int n, float *dst) {
    const size_t c = (size_t)W->cols;
    switch (W->kind) {
    case WM_F32: memcpy(dst, W->w + ((size_t)r * c + c0) * 4, (size_t)n * 4); break;
    case WM_F16:
    case WM_BF16: {
        const uint8_t *p = W->w + ((size_t)r * c + c0) * 2;
        for (int j = 0; j < n; j++) dst[j] = load_half(p, (size_t)j, W->kind == WM_BF16);
        break;
    }
    default: {
        const size_t wbytes = c * (size_t)W->bits / 8, sbytes = c / (size_t)W->group * 2;
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
        const unsigned bits = (unsigned)W->bits, mask = (1u << bits) - 1;
        for (int j = 0; j < n; j++) {
            const size_t e = (size_t)c0 + j, g = e / (size_t)W->group, bit = e * bits, byte = bit >> 3;
            const unsigned sh = (unsigned)(bit & 7);
            unsigned v = wr[byte];
            if (sh + bits > 8) v |= (unsigned)wr[byte + 1] << 8;
            dst[j] = load_half(sr, g, W->sb_bf16) * (float)((v >> sh) & mask) + load_half(br, g, W->sb_bf16);
        }
    }
    }
}

static void pack_t_generic(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    float seg[256];
    for (int j = 0; j < n; j++)
        for (int kb = 0; kb < kc; kb += 256) {
            const int len = kc - kb < 256 ? kc - kb : 256;
            wmat_seg(W, j0 + j, k0 + kb, len, seg);
            for (int k = 0; k < len; k++) dst[(size_t)(kb + k) * nr + j] = seg[k];
        }
    for (int k = 0; k < kc; k++)
        for (int j = n; j < nr; j++) dst[(size_t)k * nr + j] = 0.0f;
}

static void pack_n_generic(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    for (int k = 0; k < kc; k++) {
        wmat_seg(W, k0 + k, j0, n, dst + (size_t)k * nr);
        for (int j = n; j < nr; j++) dst[(size_t)k * nr + j] = 0.0f;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include "simd_avx512.h"

/* Columns [c0, c0+n) of row r (c0, n multiples of 16; 4/8-bit groups never straddle 16 columns) as fp32
 * into dst, reading the row sequentially. Same arithmetic as q_dequant_row: scale * q, then + bias. */
AVX512 static void seg_avx512(const wmat *W, int r, int c0, int n, float *dst) {
    const size_t cols = (size_t)W->cols;
    switch (W->kind) {
    case WM_F32: memcpy(dst, W->w + ((size_t)r * cols + c0) * 4, (size_t)n * 4); return;
    case WM_F16:
        for (int j = 0; j < n; j += 16)
            _mm512_storeu_ps(dst + j, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)(W->w + ((size_t)r * cols + c0 + j) * 2))));
        return;
    case WM_BF16:
        for (int j = 0; j < n; j += 16) {
            const __m256i h = _mm256_loadu_si256((const __m256i *)(const void *)(W->w + ((size_t)r * cols + c0 + j) * 2));
            _mm512_storeu_ps(dst + j, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16)));
        }
        return;
    default: {
        const int gshift = __builtin_ctz((unsigned)W->group);
        const size_t wbytes = cols * (size_t)W->bits / 8, sbytes = (cols >> gshift) * 2;
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
        const __m128i m4 = _mm_set1_epi8(0x0F);
        for (int j = 0; j < n;) {
            const int c = c0 + j, g = c >> gshift, end = ((g + 1) << gshift) - c0 < n ? ((g + 1) << gshift) - c0 : n;
            const __m512 sc = _mm512_set1_ps(load_half(sr, (size_t)g, W->sb_bf16));
            const __m512 bi = _mm512_set1_ps(load_half(br, (size_t)g, W->sb_bf16));
            for (; j < end; j += 16) {
                __m128i q8;
                if (W->bits == 4) {
                    const __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(wr + (c0 + j) / 2));
                    q8 = _mm_unpacklo_epi8(_mm_and_si128(v, m4), _mm_and_si128(_mm_srli_epi16(v, 4), m4));
                } else {
                    q8 = _mm_loadu_si128((const __m128i *)(const void *)(wr + c0 + j));
                }
                _mm512_storeu_ps(dst + j, _mm512_add_ps(_mm512_mul_ps(sc, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(q8))), bi));
            }
        }
    }
    }
}


/* dst[k * nr + j] = W[j0 + j][k0 + k]: each row segment is dequantized sequentially into an L1
 * buffer, then 16 x 16 blocks are transposed in registers. */
AVX512 static void pack_t_avx512(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    float buf[16 * 256] __attribute__((aligned(64)));
    const int kc16 = kc & ~15;
    for (int kb0 = 0; kb0 < kc16; kb0 += 256) {
        const int len = kc16 - kb0 < 256 ? kc16 - kb0 : 256;
        for (int jb = 0; jb < nr; jb += 16) {
            const int rows = n - jb < 0 ? 0 : n - jb > 16 ? 16 : n - jb;
            for (int i = 0; i < rows; i++) seg_avx512(W, j0 + jb + i, k0 + kb0, len, buf + i * 256);
            for (int kb = 0; kb < len; kb += 16) {
                __m512 r[16];
                for (int i = 0; i < 16; i++) r[i] = i < rows ? _mm512_load_ps(buf + i * 256 + kb) : _mm512_setzero_ps();
                transpose16(r);
                for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)(kb0 + kb + i) * nr + jb, r[i]);
            }
        }
    }
    if (kc16 < kc) { /* tail columns (K not a multiple of 16): scalar */
        float seg[16];
        for (int j = 0; j < nr; j++)
            for (int k = kc16; k < kc; k++) dst[(size_t)k * nr + j] = 0.0f;
        for (int j = 0; j < n; j++) {
            wmat_seg(W, j0 + j, k0 + kc16, kc - kc16, seg);
            for (int k = kc16; k < kc; k++) dst[(size_t)k * nr + j] = seg[k - kc16];
        }
    }
}

/* dst[k * nr + j] = W[k0 + k][j0 + j]: contiguous row segments. */
AVX512 static void pack_n_avx512(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    const int n16 = n & ~15;
    for (int k = 0; k < kc; k++) {
        float *d = dst + (size_t)k * nr;
        if (n16) seg_avx512(W, k0 + k, j0, n16, d);
        if (n16 < n) wmat_seg(W, k0 + k, j0 + n16, n - n16, d + n16);
        for (int j = n; j < nr; j++) d[j] = 0.0f;
    }
}

/* The AVX-512 packers need 16-aligned column starts and 4/8-bit or float weights. */
static int fast_pack(const wmat *W, int col0, int nr) {
    return kn_isa_level() >= 2 && nr % 16 == 0 && col0 % 16 == 0 && (W->kind != WM_Q || W->bits == 4 || W->bits == 8);
}
#endif

/* Prefetches columns [c0, c0+n) of rows [r0, r0+nrows) of W, with their scales and biases. */
static void prefetch_rows(const wmat *W, int r0, int nrows, int c0, int n) {
    if (r0 + nrows > W->rows) nrows = W->rows - r0;
    const size_t cols = (size_t)W->cols;
    const size_t bits = W->kind == WM_F32 ? 32 : W->kind == WM_Q ? (size_t)W->bits : 16;
    const size_t rowbytes = cols * bits / 8, off = (size_t)c0 * bits / 8, len = ((size_t)n * bits + 7) / 8;
    const size_t sbytes = W->kind == WM_Q ? cols / (size_t)W->group * 2 : 0, soff = W->kind == WM_Q ? (size_t)c0 / W->group * 2 : 0;
    for (int i = 0; i < nrows; i++) {
        const uint8_t *p = W->w + (size_t)(r0 + i) * rowbytes + off;
        for (size_t b = 0; b < len; b += 64) __builtin_prefetch(p + b, 0, 2);
        __builtin_prefetch(p + len - 1, 0, 2);
        if (sbytes) {
            __builtin_prefetch(W->scales + (size_t)(r0 + i) * sbytes + soff, 0, 2);
            __builtin_prefetch(W->biases + (size_t)(r0 + i) * sbytes + soff, 0, 2);
        }
    }
}

void wmat_prefetch_t(const void *src, int k0, int kc, int j0, int n) {
    prefetch_rows(src, j0, n, k0, kc); /* op(W) = W^T: rows j0.., columns k0.. */
}

void wmat_prefetch_n(const void *src, int k0, int kc, int j0, int n) {
    prefetch_rows(src, k0, kc, j0, n); /* op(W) = W: rows k0.., columns j0.. */
}

void wmat_pack_t(const void *src, float *dst, int k0, int kc, int j0, int n, int nr) {
    const wmat *W = src;
    pthread_once(&g_f16_once, f16_table_init);
#if defined(__x86_64__) && defined(__GNUC__)
    if (fast_pack(W, k0, nr)) { pack_t_avx512(W, dst, k0, kc, j0, n, nr); return; }
#endif
    pack_t_generic(W, dst, k0, kc, j0, n, nr);
}

void wmat_pack_n(const void *src, float *dst, int k0, int kc, int j0, int n, int nr) {
    const wmat *W = src;
    pthread_once(&g_f16_once, f16_table_init);
#if defined(__x86_64__) && defined(__GNUC__)
    if (fast_pack(W, j0, nr)) { pack_n_avx512(W, dst, k0, kc, j0, n, nr); return; }
#endif
    pack_n_generic(W, dst, k0, kc, j0, n, nr);
}

int wmat_tile_rows(const wmat *W, size_t tile_floats) {
    size_t r = tile_floats / (size_t)W->cols;
    if (r < 1) r = 1;
    if (r > (size_t)W->rows) r = (size_t)W->rows;
    return (int)r;
}

int half_all_finite(const uint8_t *p, size_t n, int bf16) {
    /* exponent all ones = Inf/NaN: f16 0x7C00, bf16 0x7F80 */
    const uint16_t em = bf16 ? 0x7F80 : 0x7C00;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        ok &= (h & em) != em;
    }
    return ok;
}
