/* quant.c — fp16/bf16 conversion and MLX affine dequantization (see quant.h).
 * MLX reference: mlx/backend/cpu/quantized.cpp (extract_bits, _qmm) — w = scale * q + bias. */
#include "quant.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "cpu.h"
#include "parallel.h"
#include "simd_neon.h"

float q_f16_table[65536];
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
    for (uint32_t i = 0; i < 65536; i++) q_f16_table[i] = f16_bits_to_f32((uint16_t)i);
}

void quant_init(void) {
    pthread_once(&g_f16_once, f16_table_init);
}

float f16_to_f32(uint16_t h) {
    quant_init();
    return q_f16_table[h];
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

#define load_half q_load_half

#ifdef SAM_NEON
/* Values [j0, j0 + n) of a 4/8-bit row (j0, n multiples of 16: never across a group) into dst. */
static void dq_run_neon(float *dst, const uint8_t *wrow, const uint8_t *srow, const uint8_t *brow, int sb_bf16,
                        int bits, int group, size_t j0, int n) {
    for (int j = 0; j < n;) {
        const size_t e = j0 + (size_t)j, g = e / (size_t)group;
        const int end = (int)((g + 1) * (size_t)group - j0) < n ? (int)((g + 1) * (size_t)group - j0) : n;
        const float32x4_t vs = vdupq_n_f32(load_half(srow, g, sb_bf16)), vb = vdupq_n_f32(load_half(brow, g, sb_bf16));
        for (; j < end; j += 16) {
            const size_t q = j0 + (size_t)j;
            float32x4_t w[4];
            dq16_neon(w, bits == 4 ? nib16_neon(wrow + q / 2) : vld1q_u8(wrow + q), vs, vb);
            for (int v = 0; v < 4; v++) vst1q_f32(dst + j + 4 * v, w[v]);
        }
    }
}
#endif

int q_bits_supported(int bits) {
    return bits == 2 || bits == 3 || bits == 4 || bits == 5 || bits == 6 || bits == 8;
}

#ifdef SAM_X86
#include <immintrin.h>
/* The 16 quantized values of columns [c, c+16) of a 4- or 8-bit row as bytes in column order (SSE2, for
 * the vector dequantizers of either width). */
static inline __m128i q_run16(const uint8_t *wr, int bits, int c) {
    if (bits == 8) return _mm_loadu_si128((const __m128i *)(const void *)(wr + c));
    const __m128i m4 = _mm_set1_epi8(0x0F), v = _mm_loadl_epi64((const __m128i *)(const void *)(wr + c / 2));
    return _mm_unpacklo_epi8(_mm_and_si128(v, m4), _mm_and_si128(_mm_srli_epi16(v, 4), m4));
}

/* dq_run_neon on AVX2, for whole rows (the BLAS path's tiles, a prompt's prefill) and the built-in GEMM's
 * panels alike: values [j0, j0 + n) of a 4/8-bit row (j0, n multiples of 16: never across a group), 16 at
 * a time, scale * q rounded and + bias rounded — the scalar formula's two roundings (no FMA), so bit for
 * bit the same values (tested). */
__attribute__((target("avx2,fma"))) static void dq_run_avx2(float *dst, const uint8_t *wrow, const uint8_t *srow,
                                                           const uint8_t *brow, int sb_bf16, int bits, int group,
                                                           size_t j0, int n) {
    for (int j = 0; j < n;) {
        const size_t e = j0 + (size_t)j, g = e / (size_t)group;
        const int end = (int)((g + 1) * (size_t)group - j0) < n ? (int)((g + 1) * (size_t)group - j0) : n;
        const __m256 sc = _mm256_set1_ps(load_half(srow, g, sb_bf16)), bi = _mm256_set1_ps(load_half(brow, g, sb_bf16));
        for (; j < end; j += 16) {
            const __m128i q8 = q_run16(wrow, bits, (int)(j0 + (size_t)j));
            const __m256 f0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(q8));
            const __m256 f1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_unpackhi_epi64(q8, q8)));
            _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_mul_ps(sc, f0), bi));
            _mm256_storeu_ps(dst + j + 8, _mm256_add_ps(_mm256_mul_ps(sc, f1), bi));
        }
    }
}
#endif

void q_dequant_row(float *dst, const uint8_t *wrow, const uint8_t *srow, const uint8_t *brow,
                   int sb_bf16, int cols, int bits, int group) {
    pthread_once(&g_f16_once, f16_table_init);
    int ngroups = cols / group;
#ifdef SAM_X86
    if ((bits == 4 || bits == 8) && group % 16 == 0 && cpu_has_avx2_fma()) {
        dq_run_avx2(dst, wrow, srow, brow, sb_bf16, bits, group, 0, ngroups * group);
        return;
    }
#endif
#ifdef SAM_NEON
    if ((bits == 4 || bits == 8) && group % 16 == 0 && cpu_isa() == ISA_NEON) {
        dq_run_neon(dst, wrow, srow, brow, sb_bf16, bits, group, 0, ngroups * group);
        return;
    }
#endif
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

typedef struct { const wmat *W; int r0; float *dst; } rows_job;
static void rows_body(void *ctx, long i0, long i1) {
    const rows_job *j = ctx;
    for (long i = i0; i < i1; i++) convert_row(j->W, j->r0 + (int)i, j->dst + (size_t)i * j->W->cols);
}

void wmat_rows(const wmat *W, int r0, int n, float *dst) {
    pthread_once(&g_f16_once, f16_table_init);
    if (W->direct) {
        memcpy(dst, W->direct + (size_t)r0 * W->cols, (size_t)n * W->cols * sizeof(float));
        return;
    }
    rows_job job = {W, r0, dst};
    par_for(n, 4, (size_t)n * W->cols >= 32768 ? par_threads() : 1, rows_body, &job);
}

/* ---- packing for the built-in GEMM (gemm.c calls these through kn_pack_fn): dequantization fused into the panels ---- */

/* wmat_seg, scalar. */
static void seg_scalar(const wmat *W, int r, int c0, int n, float *dst) {
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

/* Columns [c0, c0+n) of row r of W as fp32 (the values convert_row gives). */
static void wmat_seg(const wmat *W, int r, int c0, int n, float *dst) {
#ifdef SAM_NEON
    if (W->kind == WM_Q && (W->bits == 4 || W->bits == 8) && n >= 16 && cpu_isa() == ISA_NEON) {
        /* scalar up to a multiple of 16 columns, NEON for whole runs of 16, scalar for the rest */
        const int head = (16 - c0 % 16) % 16, body = (n - head) & ~15;
        const size_t c = (size_t)W->cols, wbytes = c * (size_t)W->bits / 8, sbytes = c / (size_t)W->group * 2;
        if (head) seg_scalar(W, r, c0, head, dst);
        dq_run_neon(dst + head, W->w + (size_t)r * wbytes, W->scales + (size_t)r * sbytes, W->biases + (size_t)r * sbytes,
                    W->sb_bf16, W->bits, W->group, (size_t)(c0 + head), body);
        if (head + body < n) seg_scalar(W, r, c0 + head + body, n - head - body, dst + head + body);
        return;
    }
#endif
    seg_scalar(W, r, c0, n, dst);
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
#include "simd_avx2.h"
#include "simd_avx512.h"

/* The K tail [kc16, kc) of a transposed panel (K not a multiple of 16), scalar: the vector packers' end. */
static void pack_t_tail(const wmat *W, float *dst, int k0, int kc16, int kc, int j0, int n, int nr) {
    if (kc16 == kc) return;
    float seg[16];
    for (int j = 0; j < nr; j++)
        for (int k = kc16; k < kc; k++) dst[(size_t)k * nr + j] = 0.0f;
    for (int j = 0; j < n; j++) {
        wmat_seg(W, j0 + j, k0 + kc16, kc - kc16, seg);
        for (int k = kc16; k < kc; k++) dst[(size_t)k * nr + j] = seg[k - kc16];
    }
}

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
        for (int j = 0; j < n;) {
            const int c = c0 + j, g = c >> gshift, end = ((g + 1) << gshift) - c0 < n ? ((g + 1) << gshift) - c0 : n;
            const __m512 sc = _mm512_set1_ps(load_half(sr, (size_t)g, W->sb_bf16));
            const __m512 bi = _mm512_set1_ps(load_half(br, (size_t)g, W->sb_bf16));
            for (; j < end; j += 16) {
                const __m128i q8 = q_run16(wr, W->bits, c0 + j);
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
    pack_t_tail(W, dst, k0, kc16, kc, j0, n, nr);
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

/* ---- AVX2 (+FMA, F16C: every AVX2 CPU has it) packers: the AVX-512 ones at 8 lanes. Without them a
 * CPU without AVX-512 dequantized its weight panels element by element (seg_scalar, ~15 cycles per
 * weight): at 512 tokens that was ~40 % of a 4-bit product's time, and the built-in kernels lost to
 * OpenBLAS there. Same arithmetic as seg_scalar (scale * q, then + bias: two roundings). ---- */
AVX2F static void seg_avx2(const wmat *W, int r, int c0, int n, float *dst) {
    const size_t cols = (size_t)W->cols;
    switch (W->kind) {
    case WM_F32: memcpy(dst, W->w + ((size_t)r * cols + c0) * 4, (size_t)n * 4); return;
    case WM_F16:
        for (int j = 0; j < n; j += 8)
            _mm256_storeu_ps(dst + j, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(W->w + ((size_t)r * cols + c0 + j) * 2))));
        return;
    case WM_BF16:
        for (int j = 0; j < n; j += 8) {
            const __m128i h = _mm_loadu_si128((const __m128i *)(const void *)(W->w + ((size_t)r * cols + c0 + j) * 2));
            _mm256_storeu_ps(dst + j, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)));
        }
        return;
    default: {
        const size_t wbytes = cols * (size_t)W->bits / 8, sbytes = cols / (size_t)W->group * 2;
        dq_run_avx2(dst, W->w + (size_t)r * wbytes, W->scales + (size_t)r * sbytes, W->biases + (size_t)r * sbytes,
                    W->sb_bf16, W->bits, W->group, (size_t)c0, n);
    }
    }
}

/* dst[k * nr + j] = W[j0 + j][k0 + k] as pack_t_avx512, in 8 x 8 blocks. */
AVX2F static void pack_t_avx2(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    float buf[8 * 256] __attribute__((aligned(32)));
    const int kc16 = kc & ~15;
    for (int kb0 = 0; kb0 < kc16; kb0 += 256) {
        const int len = kc16 - kb0 < 256 ? kc16 - kb0 : 256;
        for (int jb = 0; jb < nr; jb += 8) {
            const int rows = n - jb < 0 ? 0 : n - jb > 8 ? 8 : n - jb;
            for (int i = 0; i < rows; i++) seg_avx2(W, j0 + jb + i, k0 + kb0, len, buf + i * 256);
            for (int kb = 0; kb < len; kb += 8) {
                __m256 r[8];
                for (int i = 0; i < 8; i++) r[i] = i < rows ? _mm256_load_ps(buf + i * 256 + kb) : _mm256_setzero_ps();
                transpose8(r);
                for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)(kb0 + kb + i) * nr + jb, r[i]);
            }
        }
    }
    pack_t_tail(W, dst, k0, kc16, kc, j0, n, nr);
}

/* dst[k * nr + j] = W[k0 + k][j0 + j]: contiguous row segments. */
AVX2F static void pack_n_avx2(const wmat *W, float *dst, int k0, int kc, int j0, int n, int nr) {
    const int n16 = n & ~15;
    for (int k = 0; k < kc; k++) {
        float *d = dst + (size_t)k * nr;
        if (n16) seg_avx2(W, k0 + k, j0, n16, d);
        if (n16 < n) wmat_seg(W, k0 + k, j0 + n16, n - n16, d + n16);
        for (int j = n; j < nr; j++) d[j] = 0.0f;
    }
}

/* The vector packers need 16-aligned column starts and 4/8-bit or float weights; ISA_AVX512 or
 * ISA_AVX2 as cpu_isa() chose (0: the generic packers). */
static cpu_isa_t fast_pack(const wmat *W, int col0, int nr) {
    const cpu_isa_t isa = cpu_isa();
    if ((isa != ISA_AVX512 && isa != ISA_AVX2) || nr % 16 != 0 || col0 % 16 != 0) return ISA_GENERIC;
    return W->kind != WM_Q || W->bits == 4 || W->bits == 8 ? isa : ISA_GENERIC;
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
    switch (fast_pack(W, k0, nr)) {
    case ISA_AVX512: pack_t_avx512(W, dst, k0, kc, j0, n, nr); return;
    case ISA_AVX2: pack_t_avx2(W, dst, k0, kc, j0, n, nr); return;
    default: break;
    }
#endif
    pack_t_generic(W, dst, k0, kc, j0, n, nr);
}

void wmat_pack_n(const void *src, float *dst, int k0, int kc, int j0, int n, int nr) {
    const wmat *W = src;
    pthread_once(&g_f16_once, f16_table_init);
#if defined(__x86_64__) && defined(__GNUC__)
    switch (fast_pack(W, j0, nr)) {
    case ISA_AVX512: pack_n_avx512(W, dst, k0, kc, j0, n, nr); return;
    case ISA_AVX2: pack_n_avx2(W, dst, k0, kc, j0, n, nr); return;
    default: break;
    }
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
