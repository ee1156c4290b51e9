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

void q_matmul_small(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats) {
    pthread_once(&g_f16_once, f16_table_init);
    pthread_once(&g_qdot_once, qdot_select);
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
