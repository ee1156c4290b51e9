/* qmatvec_q8.c — generation's decode products with a 4-bit weight and int8 activations (SAM_DECODE_Q8;
 * any number of rows of x, though matmul.c sends only decode-sized ones), the
 * product llama.cpp's CPU path computes for Q4 weights (ggml-cpu ggml_vec_dot_q4_1_q8_1: every block of
 * 32 activations becomes int8 values q with one fp32 scale d = max|x| / 127, x ~ d * q, and the weight
 * nibbles multiply them as integers, vpmaddubsw + vpmaddwd on AVX2, vpdpbusd with AVX512-VNNI).
 *
 * With MLX affine weights w = s * n + b (n the 4-bit field, s and b per group of G) one output is
 *   sum_g [ s_g * sum_{j in g} n_j x_j + b_g * sum_{j in g} x_j ]
 * and this file computes it as
 *   sum_g [ s_g * sum_{blocks k of g} d_k * (n . q)_k + b_g * X_g + 8 s_g * E_g ]
 * with X_g the exact fp32 sum of x over the group (so the bias term carries no quantization error) and
 * E_g = sum_{j in g} (x_j - d_k q_j) the group's rounding error, known exactly from x: splitting
 * n_j = 8 + (n_j - 8), the 8 * sum e_j part of sum n_j e_j is corrected, and what remains is
 * sum (n_j - 8) e_j — the error of a symmetric 4-bit weight (llama.cpp Q4_0 x Q8_0), about half the
 * uncorrected affine one (n_j averages 7.5, |n_j - 8| averages 4). With |e_j| <= d_k / 2:
 *   |err| <= sum_k |s_g(k)| * d_k / 2 * sum_{j in k} |n_j - 8|   (+ fp32 rounding of the sums)
 * which test_kernels checks against a double reference; docs/performance.md measures what it does to
 * generations. The integer sums cannot saturate: vpmaddubsw adds two products <= 15 * 127.
 *
 * SAM_DECODE_Q22 (the default decode precision of the Java binding) runs the same sums over three int8
 * planes per block (q22_block_avx2: x = d / 16384 * (16384 n0 + 128 n1 + n2) + e, |e| <= max|x| * 2^-22),
 * so the same bound holds with d_k / 32768 in place of d_k / 2: fp32-grade results for one row of x.
 *
 * Layout of the quantized activations (built once per call, shared by all rows): per 64 elements,
 * 16 even elements of block 2p, 16 even of block 2p+1, then the 16 odd elements of each — so one 32-byte
 * load of 4-bit weights gives the even (low nibbles) and odd (high nibbles) elements of two blocks in
 * the two 128-bit lanes. Rows are split over threads; each output is computed by one thread in a fixed
 * order (bitwise independent of the thread count). Several rows of x (prefill): tiles of 8 weight rows
 * stay in L1 while the rows of x pass over them 4 at a time.
 * A kernel: it calls only quant.h (formats), cpu.h and parallel.h. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernels.h"
#include "parallel.h"
#include "quant.h"

typedef struct {
    float *out;
    int ldo, M;
    const int8_t *q;  /* (M, K) in the layout above */
    const float *d;   /* (M, K / 8): per 64 elements, [d_2p x 4, d_2p+1 x 4] (the two lanes' scales) */
    const float *xs;  /* (M, ng) exact group sums of x */
    const float *xe;  /* (M, ng) group sums of the rounding errors x - d q */
    /* q and d use K rounded up to a multiple of 64 (padded()) */
    const wmat *W;
    int flat; /* q8_flat(W): one row of x runs Q8_ROW1_DEF */
} q8_job;

int kn_qmatvec_q8_supported(const wmat *W) {
    const int shape = W->kind == WM_Q && W->bits == 4 && W->group % 32 == 0 && W->cols % 32 == 0;
#if defined(SAM_X86)
    return cpu_has_avx2_fma() && shape;
#elif defined(SAM_NEON)
    return cpu_isa() == ISA_NEON && shape; /* SAM_ISA=generic caps it, as the other NEON kernels */
#else
    (void)shape;
    return 0;
#endif
}

/* K rounded up to whole 64-element pairs: an odd last block is paired with a zero block (q = 0, d = 0) */
static int padded(int K) { return (K + 63) / 64 * 64; }

size_t kn_qmatvec_q22_scratch_floats(int K, int G) {
    return (size_t)K / 8 + 2 * (size_t)(K / G) + (3 * (size_t)K + 3) / 4; /* d, xs and xe, three planes of q */
}

size_t kn_qmatvec_q8_scratch_floats(int M, int K, int G) {
    /* d: M*Kp/8 floats; xs, xe: M*K/G floats each; q: M*Kp bytes */
    const size_t kp = (size_t)padded(K);
    return (size_t)M * kp / 8 + 2 * (size_t)M * (K / G) + ((size_t)M * kp + 3) / 4;
}

#ifdef SAM_X86
#include <immintrin.h>

#include "simd_avx2.h"
/* 32 int32 values (element order, in [-127, 127]) -> 16 even elements to qe, 16 odd ones to qo, as int8 */
__attribute__((target("avx2"), always_inline)) static inline void q8_store_avx2(const __m256i qi[4], int8_t *qe, int8_t *qo) {
    /* 32 int32 -> 32 int8 in element order (packs interleave the 128-bit lanes; the dword permutation
     * undoes it), then per lane the even bytes before the odd ones, and the 64-bit quarters reordered
     * to [evens 0-7, evens 8-15, odds 0-7, odds 8-15] */
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(qi[0], qi[1]), _mm256_packs_epi32(qi[2], qi[3]));
    const __m256i ordered = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    const __m256i eo = _mm256_shuffle_epi8(ordered, _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,
                                                                      0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
    const __m256i out = _mm256_permute4x64_epi64(eo, 0xD8);
    _mm_storeu_si128((__m128i *)(void *)qe, _mm256_castsi256_si128(out));
    _mm_storeu_si128((__m128i *)(void *)qo, _mm256_extracti128_si256(out, 1));
}

/* A block of 32 activations into v, its sum to *sum; returns max|x|. */
__attribute__((target("avx2"), always_inline)) static inline float q8_load_avx2(const float *xb, __m256 v[4], float *sum) {
    const __m256 nosign = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 s = _mm256_setzero_ps(), mx = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) {
        v[i] = _mm256_loadu_ps(xb + 8 * i);
        s = _mm256_add_ps(s, v[i]);
        mx = _mm256_max_ps(mx, _mm256_and_ps(v[i], nosign));
    }
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    *sum = hsum8_avx2(s);
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}

/* One block of 32 activations: its scale d = max|x| / 127, the int8 values (rounded to nearest even; the
 * 16 even elements to qe, the 16 odd ones to qo), the block's sum of x and of the rounding errors x - d q.
 * Vectorized because one decoded token quantizes every product's input on one thread while the others
 * wait: the scalar loop (a libm call per fmaxf and nearbyintf) was a visible share of the decode. */
__attribute__((target("avx2,fma"))) static void q8_block_avx2(const float *xb, int8_t *qe, int8_t *qo, float *d_out, float *sum, float *err) {
    __m256 v[4];
    const float amax = q8_load_avx2(xb, v, sum);
    const float d = amax / 127.0f, id = amax > 0.0f ? 127.0f / amax : 0.0f;
    const __m256 vd = _mm256_set1_ps(d), vid = _mm256_set1_ps(id);
    __m256i qi[4];
    __m256 e = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) {
        const __m256 r = _mm256_round_ps(_mm256_mul_ps(v[i], vid), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        qi[i] = _mm256_cvtps_epi32(r);
        e = _mm256_add_ps(e, _mm256_sub_ps(v[i], _mm256_mul_ps(vd, r)));
    }
    q8_store_avx2(qi, qe, qo);
    *err = hsum8_avx2(e);
    *d_out = d;
}

/* One block of 32 activations in three int8 planes (SAM_DECODE_Q22): plane 0 as in q8_block_avx2
 * (n0 = round(x / d), d = max|x| / 127), then the remainder twice more at 128 times finer steps
 * (n1 = round(r1 * 128 / d), n2 = round(r2 * 16384 / d), each in [-65, 65] since |r| <= d / 2 + rounding),
 * so x = (d / 16384) (16384 n0 + 128 n1 + n2) + e with |e| <= d / 32768 = max|x| * 2^-22 (fp32 keeps
 * 2^-24 of each value; a K-term fp32 sum loses more than that). The remainders are single-rounding FMAs.
 * Plane p goes to qe + 64 p and qo + 64 p; d_out is d / 16384, the scale of the combined integer. */
__attribute__((target("avx2,fma"))) static void q22_block_avx2(const float *xb, int8_t *qe, int8_t *qo, float *d_out, float *sum, float *err) {
    __m256 v[4];
    const float amax = q8_load_avx2(xb, v, sum);
    const float d = amax / 127.0f, id = amax > 0.0f ? 127.0f / amax : 0.0f;
    const float step[3] = {d, d / 128.0f, d / 16384.0f}, inv[3] = {id, id * 128.0f, id * 16384.0f};
    __m256 e = _mm256_setzero_ps();
    for (int p = 0; p < 3; p++) {
        __m256i qi[4];
        for (int i = 0; i < 4; i++) {
            const __m256 r = _mm256_round_ps(_mm256_mul_ps(v[i], _mm256_set1_ps(inv[p])), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            qi[i] = _mm256_cvtps_epi32(r);
            v[i] = _mm256_fnmadd_ps(_mm256_set1_ps(step[p]), r, v[i]); /* the remainder, for the next plane */
        }
        q8_store_avx2(qi, qe + 64 * p, qo + 64 * p);
    }
    for (int i = 0; i < 4; i++) e = _mm256_add_ps(e, v[i]);
    *err = hsum8_avx2(e);
    *d_out = step[2];
}

#define Q8_BLOCK q8_block_avx2
#define Q22_BLOCK q22_block_avx2
#endif

#ifdef SAM_NEON
#include <arm_neon.h>
/* A block of 32 activations into v, its sum to *sum; returns max|x|. */
static inline float q8_load_neon(const float *xb, float32x4_t v[8], float *sum) {
    float32x4_t s = vdupq_n_f32(0.0f), mx = vdupq_n_f32(0.0f);
    for (int i = 0; i < 8; i++) {
        v[i] = vld1q_f32(xb + 4 * i);
        s = vaddq_f32(s, v[i]);
        mx = vmaxq_f32(mx, vabsq_f32(v[i]));
    }
    *sum = vaddvq_f32(s);
    return vmaxvq_f32(mx);
}

/* 32 values as int16 (element order, in [-127, 127]) -> 16 even elements to qe, 16 odd ones to qo, as int8 */
static inline void q8_store_neon(const int16x4_t h[8], int8_t *qe, int8_t *qo) {
    const int8x16_t b0 = vcombine_s8(vqmovn_s16(vcombine_s16(h[0], h[1])), vqmovn_s16(vcombine_s16(h[2], h[3])));
    const int8x16_t b1 = vcombine_s8(vqmovn_s16(vcombine_s16(h[4], h[5])), vqmovn_s16(vcombine_s16(h[6], h[7])));
    const int8x16x2_t eo = vuzpq_s8(b0, b1); /* elements 0, 2, ..., 30 and 1, 3, ..., 31 */
    vst1q_s8(qe, eo.val[0]);
    vst1q_s8(qo, eo.val[1]);
}

/* q8_block_avx2 on arm64: the same values (round to nearest even, the same scale), the even elements to
 * qe and the odd ones to qo (one 16-byte load of 4-bit weights holds a block's even elements in its low
 * nibbles and its odd ones in the high nibbles, so the layout above serves NEON as it is). */

static void q8_block_neon(const float *xb, int8_t *qe, int8_t *qo, float *d_out, float *sum, float *err) {
    float32x4_t v[8];
    const float amax = q8_load_neon(xb, v, sum);
    const float d = amax / 127.0f, id = amax > 0.0f ? 127.0f / amax : 0.0f;
    float32x4_t e = vdupq_n_f32(0.0f);
    int16x4_t h[8];
    for (int i = 0; i < 8; i++) {
        const float32x4_t r = vrndnq_f32(vmulq_n_f32(v[i], id));
        h[i] = vqmovn_s32(vcvtq_s32_f32(r)); /* r is an integer in [-127, 127]: exact */
        e = vaddq_f32(e, vsubq_f32(v[i], vmulq_n_f32(r, d)));
    }
    q8_store_neon(h, qe, qo);
    *err = vaddvq_f32(e);
    *d_out = d;
}
/* q22_block_avx2 on arm64: the same planes, the same values (round to nearest even, fused remainders). */
static void q22_block_neon(const float *xb, int8_t *qe, int8_t *qo, float *d_out, float *sum, float *err) {
    float32x4_t v[8];
    const float amax = q8_load_neon(xb, v, sum);
    const float d = amax / 127.0f, id = amax > 0.0f ? 127.0f / amax : 0.0f;
    const float step[3] = {d, d / 128.0f, d / 16384.0f}, inv[3] = {id, id * 128.0f, id * 16384.0f};
    for (int p = 0; p < 3; p++) {
        int16x4_t h[8];
        for (int i = 0; i < 8; i++) {
            const float32x4_t r = vrndnq_f32(vmulq_n_f32(v[i], inv[p]));
            h[i] = vqmovn_s32(vcvtq_s32_f32(r)); /* an integer in [-127, 127]: exact */
            v[i] = vfmsq_f32(v[i], r, vdupq_n_f32(step[p])); /* the remainder, for the next plane */
        }
        q8_store_neon(h, qe + 64 * p, qo + 64 * p);
    }
    float32x4_t e = vdupq_n_f32(0.0f);
    for (int i = 0; i < 8; i++) e = vaddq_f32(e, v[i]);
    *err = vaddvq_f32(e);
    *d_out = step[2];
}
#define Q8_BLOCK q8_block_neon
#define Q22_BLOCK q22_block_neon
#endif

#ifdef Q8_BLOCK
/* Quantizes x (M, K) into the job's arrays (~K operations per row, next to the K * rows product; where a
 * q8 kernel exists: AVX2 or NEON). planes: 1 (q8) or 3 (q22): per 64 elements the planes'
 * 64 bytes one after the other. */
static void q8_quantize(int8_t *q, float *dexp, float *xs, float *xe, const float *x, int M, int K, int G, int planes) {
    const int ng = K / G, kp = padded(K), ps = 64 * planes; /* bytes per 64 elements */
    if (kp != K) /* the zero block after an odd last one */
        for (int m = 0; m < M; m++) {
            memset(q + (size_t)m * kp * planes + (size_t)kp * planes - ps, 0, (size_t)ps);
            memset(dexp + (size_t)m * (kp / 8) + kp / 8 - 8, 0, 8 * sizeof(float));
        }
    for (int m = 0; m < M; m++) {
        const float *xm = x + (size_t)m * K;
        int8_t *qm = q + (size_t)m * kp * planes;
        for (int g = 0; g < ng; g++) xs[(size_t)m * ng + g] = xe[(size_t)m * ng + g] = 0.0f;
        for (int b = 0; b < K / 32; b++) {
            int8_t *qe = qm + (size_t)(b / 2) * ps + (b & 1) * 16, *qo = qe + 32;
            float d, sum, err;
            if (planes == 3) Q22_BLOCK(xm + (size_t)b * 32, qe, qo, &d, &sum, &err);
            else Q8_BLOCK(xm + (size_t)b * 32, qe, qo, &d, &sum, &err);
            xs[(size_t)m * ng + (size_t)b * 32 / G] += sum;
            xe[(size_t)m * ng + (size_t)b * 32 / G] += err;
            float *dp = dexp + (size_t)m * (kp / 8) + (size_t)(b / 2) * 8 + (b & 1) * 4;
            for (int k = 0; k < 4; k++) dp[k] = d;
        }
    }
}
#endif

#ifdef SAM_X86

/* Integer dot of one 64-element pair (two blocks) of a row with x row qp, as 8 fp32 lane sums. */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 q8_pair(__m256i lo, __m256i hi, const int8_t *qp) {
    const __m256i xe = _mm256_loadu_si256((const __m256i *)(const void *)qp);
    const __m256i xo = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 32));
    const __m256i s16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, xe), _mm256_maddubs_epi16(hi, xo));
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(s16, _mm256_set1_epi16(1)));
}

/* The same with AVX512-VNNI (vpdpbusd: the four u8 x s8 products summed into int32 in one instruction;
 * no int16 intermediate, and since vpmaddubsw cannot saturate here, bitwise the same sums). */
__attribute__((target("avx512vnni,avx512vl,avx2,fma"), always_inline)) static inline __m256 q8_pair_vnni(__m256i lo, __m256i hi, const int8_t *qp) {
    const __m256i xe = _mm256_loadu_si256((const __m256i *)(const void *)qp);
    const __m256i xo = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 32));
    return _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), lo, xe), hi, xo));
}

/* The same for three planes (SAM_DECODE_Q22, qp: the pair's 3 x 64 bytes): the planes' int16 pair sums
 * weighted 16384, 128 and 1 by vpmaddwd itself and added as int32 (at most 2 x 7620 x 16384 + 2 x 3900 x
 * 129 < 2^31), then converted once: the weights and the pair's scale are shared by the planes. */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 q22_pair(__m256i lo, __m256i hi, const int8_t *qp) {
    __m256i s = _mm256_setzero_si256();
    for (int p = 0; p < 3; p++) {
        const __m256i xe = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 64 * p));
        const __m256i xo = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 64 * p + 32));
        const __m256i s16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, xe), _mm256_maddubs_epi16(hi, xo));
        s = _mm256_add_epi32(s, _mm256_madd_epi16(s16, _mm256_set1_epi16(p == 0 ? 16384 : p == 1 ? 128 : 1)));
    }
    return _mm256_cvtepi32_ps(s);
}
__attribute__((target("avx512vnni,avx512vl,avx2,fma"), always_inline)) static inline __m256 q22_pair_vnni(__m256i lo, __m256i hi, const int8_t *qp) {
    __m256i s = _mm256_setzero_si256();
    for (int p = 0; p < 3; p++) {
        const __m256i xe = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 64 * p));
        const __m256i xo = _mm256_loadu_si256((const __m256i *)(const void *)(qp + 64 * p + 32));
        const __m256i d = _mm256_dpbusd_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), lo, xe), hi, xo);
        s = _mm256_add_epi32(s, _mm256_slli_epi32(d, p == 0 ? 14 : p == 1 ? 7 : 0));
    }
    return _mm256_cvtepi32_ps(s);
}

/* Rows [r0, r1) for MM rows of x (a compile-time constant: the accumulators stay in registers).
 * Groups of 64 or more hold whole pairs (one scale for both lanes); groups of 32 are one lane each. */
#define Q8_ROWS_DEF(NAME, ATTR, PAIR) \
ATTR static inline void NAME(const q8_job *j, int r0, int r1, const int MM) {                                                                    \
    const wmat *W = j->W;                                                                                                                        \
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, kp = padded(K), np = kp / 64;                                              \
    const int full = K / 64; /* pairs with both blocks in the row; an odd last block is read with 16 bytes */                                    \
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;                                                                                \
    const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                                                   \
    for (int r = r0; r < r1; r++) {                                                                                                              \
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;               \
        __m256 acc[KN_SMALL_M];                                                                                                                  \
        float accb[KN_SMALL_M];                                                                                                                  \
        for (int m = 0; m < MM; m++) {                                                                                                           \
            acc[m] = _mm256_setzero_ps();                                                                                                        \
            accb[m] = 0.0f;                                                                                                                      \
        }                                                                                                                                        \
        for (int g = 0; g < ng; g++) { /* bias and the rounding-error correction (top of the file) */                                            \
            const float b = q_load_half(br, (size_t)g, bf), s8 = 8.0f * q_load_half(sr, (size_t)g, bf);                                          \
            for (int m = 0; m < MM; m++) accb[m] += b * j->xs[(size_t)m * ng + g] + s8 * j->xe[(size_t)m * ng + g];                              \
        }                                                                                                                                        \
        const int ppg = G >= 64 ? G / 64 : 1; /* pairs per scale step */                                                                         \
        for (int p0 = 0; p0 < np; p0 += ppg) {                                                                                                   \
            const __m256 sc = G >= 64 ? _mm256_set1_ps(q_load_half(sr, (size_t)(p0 / ppg), bf))                                                  \
                                      : _mm256_set_m128(_mm_set1_ps(p0 < full ? q_load_half(sr, (size_t)(2 * p0 + 1), bf) : 0.0f),               \
                                                        _mm_set1_ps(q_load_half(sr, (size_t)(2 * p0), bf)));                                     \
            __m256 gacc[KN_SMALL_M];                                                                                                             \
            for (int m = 0; m < MM; m++) gacc[m] = _mm256_setzero_ps();                                                                          \
            for (int p = p0; p < p0 + ppg && p < np; p++) {                                                                                      \
                const __m256i v = p < full ? _mm256_loadu_si256((const __m256i *)(const void *)(wr + (size_t)p * 32))                            \
                                           : _mm256_inserti128_si256(_mm256_setzero_si256(),                                                     \
                                                                     _mm_loadu_si128((const __m128i *)(const void *)(wr + (size_t)p * 32)), 0);  \
                const __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);                                  \
                for (int m = 0; m < MM; m++)                                                                                                     \
                    gacc[m] = _mm256_fmadd_ps(PAIR(lo, hi, j->q + (size_t)m * kp + (size_t)p * 64),                                              \
                                              _mm256_loadu_ps(j->d + (size_t)m * (kp / 8) + (size_t)p * 8), gacc[m]);                            \
            }                                                                                                                                    \
            for (int m = 0; m < MM; m++) acc[m] = _mm256_fmadd_ps(gacc[m], sc, acc[m]);                                                          \
        }                                                                                                                                        \
        for (int m = 0; m < MM; m++) j->out[(size_t)m * j->ldo + r] = hsum8_avx2(acc[m]) + accb[m];                                               \
    }                                                                                                                                            \
}
Q8_ROWS_DEF(q8_rows, __attribute__((target("avx2,fma"), always_inline)), q8_pair)
Q8_ROWS_DEF(q8v_rows, __attribute__((target("avx512vnni,avx512vl,avx2,fma"), always_inline)), q8_pair_vnni)

/* One row of x (decode) with groups of 64 or more and whole pairs (K % 64 == 0), the case of every
 * Qwen2 matrix: the same sums as Q8_ROWS_DEF, but the row's scales are converted to fp32 once (one per
 * pair) and the pairs run in one flat loop over four independent accumulators, with each pair's
 * activation scale and weight scale multiplied before the FMA. The nested group loop above costs a
 * scale conversion, a division and a loop exit per 64 weights; this one streams the row at close to the
 * core's read bandwidth (docs/performance.md: 13-15 against 5-6 GB per core-second, bench_decode). */
#define Q8_MAX_PAIRS 1024 /* K <= 65536: the row's scales live on the stack (F16C converts fp16 ones 8 at a time) */
/* Pair P of row wr into accumulator ACC: its integer dot with x times (activation scale x weight scale). */
#define Q8_FLAT_PAIR(PAIR, STRIDE, P, ACC)                                                                                                             \
    do {                                                                                                                                       \
        const __m256i v_ = _mm256_loadu_si256((const __m256i *)(const void *)(wr + (size_t)(P) * 32));                                         \
        const __m256i lo_ = _mm256_and_si256(v_, m4), hi_ = _mm256_and_si256(_mm256_srli_epi16(v_, 4), m4);                                   \
        const __m256 ds_ = _mm256_mul_ps(_mm256_loadu_ps(j->d + (size_t)(P) * 8), _mm256_broadcast_ss(sc + (P)));                              \
        (ACC) = _mm256_fmadd_ps(PAIR(lo_, hi_, j->q + (size_t)(P) * (STRIDE)), ds_, (ACC));                                                          \
    } while (0)
#define Q8_ROW1_DEF(NAME, ATTR, PAIR, STRIDE)                                                                                                          \
ATTR static void NAME(const q8_job *j, int r0, int r1) {                                                                                       \
    const wmat *W = j->W;                                                                                                                      \
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, np = K / 64, ppg = G / 64;                                               \
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;                                                                              \
    const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                                                 \
    float sg[Q8_MAX_PAIRS], sp[Q8_MAX_PAIRS]; /* the row's scales per group, per pair */                                                     \
    for (int r = r0; r < r1; r++) {                                                                                                            \
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;             \
        /* bias and the rounding-error correction (top of the file), 8 groups at a time */                                                     \
        __m256 tb = _mm256_setzero_ps();                                                                                                       \
        int g = 0;                                                                                                                             \
        for (; g + 8 <= ng; g += 8) {                                                                                                          \
            const __m256 s = half8_avx2(sr + (size_t)g * 2, bf), b = half8_avx2(br + (size_t)g * 2, bf);                                       \
            _mm256_storeu_ps(sg + g, s);                                                                                                       \
            tb = _mm256_fmadd_ps(b, _mm256_loadu_ps(j->xs + g), _mm256_fmadd_ps(_mm256_mul_ps(s, _mm256_set1_ps(8.0f)),                        \
                                                                                _mm256_loadu_ps(j->xe + g), tb));                              \
        }                                                                                                                                      \
        float accb = hsum8_avx2(tb);                                                                                                           \
        for (; g < ng; g++) {                                                                                                                  \
            const float s = q_load_half(sr, (size_t)g, bf), b = q_load_half(br, (size_t)g, bf);                                                \
            sg[g] = s;                                                                                                                         \
            accb += b * j->xs[g] + 8.0f * s * j->xe[g];                                                                                        \
        }                                                                                                                                      \
        const float *sc = sg;                                                                                                                  \
        if (ppg > 1) { /* groups of 128 or more: one scale per pair */                                                                         \
            for (int p = 0; p < np; p++) sp[p] = sg[p / ppg];                                                                                  \
            sc = sp;                                                                                                                           \
        }                                                                                                                                      \
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};                                   \
        int p = 0;                                                                                                                             \
        for (; p + 4 <= np; p += 4)                                                                                                            \
            for (int u = 0; u < 4; u++) Q8_FLAT_PAIR(PAIR, STRIDE, p + u, a[u]);                                                                       \
        for (; p < np; p++) Q8_FLAT_PAIR(PAIR, STRIDE, p, a[0]);                                                                                       \
        j->out[r] = hsum8_avx2(_mm256_add_ps(_mm256_add_ps(a[0], a[1]), _mm256_add_ps(a[2], a[3]))) + accb;                                    \
    }                                                                                                                                          \
}
Q8_ROW1_DEF(q8_row1, __attribute__((target("avx2,fma,f16c"))), q8_pair, 64)
Q8_ROW1_DEF(q8v_row1, __attribute__((target("avx512vnni,avx512vl,avx2,fma,f16c"))), q8_pair_vnni, 64)
Q8_ROW1_DEF(q22_row1, __attribute__((target("avx2,fma,f16c"))), q22_pair, 192)
Q8_ROW1_DEF(q22v_row1, __attribute__((target("avx512vnni,avx512vl,avx2,fma,f16c"))), q22_pair_vnni, 192)
static int q8_flat(const wmat *W) { return cpu_has_f16c() && W->group % 64 == 0 && W->cols % 64 == 0 && W->cols / 64 <= Q8_MAX_PAIRS; }

__attribute__((target("avx2,fma"))) static void q8_rows_1(const q8_job *j, int r0, int r1) { q8_rows(j, r0, r1, 1); }
__attribute__((target("avx2,fma"))) static void q8_rows_4(const q8_job *j, int r0, int r1) { q8_rows(j, r0, r1, 4); }
__attribute__((target("avx2,fma"))) static void q8_rows_n(const q8_job *j, int r0, int r1) { q8_rows(j, r0, r1, j->M); }
#define VNNI __attribute__((target("avx512vnni,avx512vl,avx2,fma")))
VNNI static void q8v_rows_1(const q8_job *j, int r0, int r1) { q8v_rows(j, r0, r1, 1); }
VNNI static void q8v_rows_4(const q8_job *j, int r0, int r1) { q8v_rows(j, r0, r1, 4); }
VNNI static void q8v_rows_n(const q8_job *j, int r0, int r1) { q8v_rows(j, r0, r1, j->M); }
#undef VNNI

typedef void (*q8_rows_fn)(const q8_job *, int, int);
/* [variant][1 row, 4 rows, any, 1 row flat]: AVX512-VNNI where the CPU has it and SAM_ISA does not cap
 * AVX-512 */
static const q8_rows_fn Q8_ROWS[2][4] = {{q8_rows_1, q8_rows_4, q8_rows_n, q8_row1}, {q8v_rows_1, q8v_rows_4, q8v_rows_n, q8v_row1}};
static int q8_variant(void) {
    return cpu_isa() == ISA_AVX512 && cpu_has_avx512_vnni();
}

static void q8_body(void *ctx, long r0, long r1) {
    const q8_job *j = ctx;
    const q8_rows_fn *f = Q8_ROWS[q8_variant()];
    if (j->M == 1) {
        f[j->flat ? 3 : 0](j, (int)r0, (int)r1);
        return;
    }
    /* several rows of x (prefill): tiles of 8 rows of W stay in L1 while the rows of x pass over them
     * 4 at a time (4 accumulator pairs fit the 16 registers) */
    const int K = j->W->cols, kp = padded(K), ng = K / j->W->group;
    for (long t0 = r0; t0 < r1; t0 += 8) {
        const int t1 = (int)(t0 + 8 < r1 ? t0 + 8 : r1);
        for (int m0 = 0; m0 < j->M; m0 += 4) {
            const q8_job s = {j->out + (size_t)m0 * j->ldo, j->ldo, j->M - m0 < 4 ? j->M - m0 : 4, j->q + (size_t)m0 * kp,
                              j->d + (size_t)m0 * (kp / 8), j->xs + (size_t)m0 * ng, j->xe + (size_t)m0 * ng, j->W, 0};
            f[s.M == 4 ? 1 : 2](&s, (int)t0, t1);
        }
    }
}

/* SAM_DECODE_Q22: one row of x, the flat kernel over three planes */
static void q22_body(void *ctx, long r0, long r1) {
    (q8_variant() ? q22v_row1 : q22_row1)(ctx, (int)r0, (int)r1);
}
#endif

#ifdef SAM_NEON
/* The integer dot of one block of 32 (even elements in the low nibbles, odd ones in the high) with its
 * quantized activations, as 4 int32 lane sums. SDOT where the build targets it (Armv8.2 dot product: every
 * Apple Silicon core; __ARM_FEATURE_DOTPROD), else widening multiplies: a lane of int16 adds two products
 * of at most 15 * 127, so it cannot overflow, and the block's integer total is the same either way. */
static inline int32x4_t q8_dot32_neon(int8x16_t lo, int8x16_t xe, int8x16_t hi, int8x16_t xo) {
#ifdef __ARM_FEATURE_DOTPROD
    return vdotq_s32(vdotq_s32(vdupq_n_s32(0), lo, xe), hi, xo);
#else
    int16x8_t a = vmull_s8(vget_low_s8(lo), vget_low_s8(xe));
    a = vmlal_s8(a, vget_high_s8(lo), vget_high_s8(xe));
    int16x8_t b = vmull_s8(vget_low_s8(hi), vget_low_s8(xo));
    b = vmlal_s8(b, vget_high_s8(hi), vget_high_s8(xo));
    return vpadalq_s16(vpaddlq_s16(a), b);
#endif
}

/* Rows [r0, r1) of W against the job's M rows of x: per group, its blocks' integer dots times their
 * activation scales, then times the group's weight scale (the sums of Q8_ROWS_DEF). */
static void q8_body(void *ctx, long r0, long r1) {
    const q8_job *j = ctx;
    const wmat *W = j->W;
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, kp = padded(K), bpg = G / 32;
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    for (long r = r0; r < r1; r++) {
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
        for (int m = 0; m < j->M; m++) {
            const int8_t *qm = j->q + (size_t)m * kp;
            const float *dm = j->d + (size_t)m * (kp / 8), *xs = j->xs + (size_t)m * ng, *xe = j->xe + (size_t)m * ng;
            float accb = 0.0f;
            float32x4_t acc = vdupq_n_f32(0.0f);
            for (int g = 0; g < ng; g++) {
                const float sg = q_load_half(sr, (size_t)g, bf);
                accb += q_load_half(br, (size_t)g, bf) * xs[g] + 8.0f * sg * xe[g]; /* top of the file */
                float32x4_t gacc = vdupq_n_f32(0.0f);
                for (int b = g * bpg; b < (g + 1) * bpg; b++) {
                    const uint8x16_t v = vld1q_u8(wr + (size_t)b * 16);
                    const int8_t *qb = qm + (size_t)(b / 2) * 64 + (b & 1) * 16;
                    const int32x4_t dot = q8_dot32_neon(vreinterpretq_s8_u8(vandq_u8(v, m4)), vld1q_s8(qb),
                                                        vreinterpretq_s8_u8(vshrq_n_u8(v, 4)), vld1q_s8(qb + 32));
                    gacc = vmlaq_n_f32(gacc, vcvtq_f32_s32(dot), dm[(size_t)(b / 2) * 8 + (b & 1) * 4]);
                }
                acc = vmlaq_n_f32(acc, gacc, sg);
            }
            j->out[(size_t)m * j->ldo + r] = vaddvq_f32(acc) + accb;
        }
    }
}
/* SAM_DECODE_Q22, one row of x: the three planes' integer dots of a block combined as 16384 d0 + 128 d1 + d2
 * (at most 15240 x 16384 + 2 x 7800 x 129 per lane, < 2^31), then as q8_body. */
static void q22_body(void *ctx, long r0, long r1) {
    const q8_job *j = ctx;
    const wmat *W = j->W;
    const int K = W->cols, G = W->group, ng = K / G, bf = W->sb_bf16, bpg = G / 32;
    const size_t wbytes = (size_t)K / 2, sbytes = (size_t)ng * 2;
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    for (long r = r0; r < r1; r++) {
        const uint8_t *wr = W->w + (size_t)r * wbytes, *sr = W->scales + (size_t)r * sbytes, *br = W->biases + (size_t)r * sbytes;
        float accb = 0.0f;
        float32x4_t acc = vdupq_n_f32(0.0f);
        for (int g = 0; g < ng; g++) {
            const float sg = q_load_half(sr, (size_t)g, bf);
            accb += q_load_half(br, (size_t)g, bf) * j->xs[g] + 8.0f * sg * j->xe[g]; /* top of the file */
            float32x4_t gacc = vdupq_n_f32(0.0f);
            for (int b = g * bpg; b < (g + 1) * bpg; b++) {
                const uint8x16_t v = vld1q_u8(wr + (size_t)b * 16);
                const int8x16_t lo = vreinterpretq_s8_u8(vandq_u8(v, m4)), hi = vreinterpretq_s8_u8(vshrq_n_u8(v, 4));
                const int8_t *qb = j->q + (size_t)(b / 2) * 192 + (b & 1) * 16;
                const int32x4_t d0 = q8_dot32_neon(lo, vld1q_s8(qb), hi, vld1q_s8(qb + 32));
                const int32x4_t d1 = q8_dot32_neon(lo, vld1q_s8(qb + 64), hi, vld1q_s8(qb + 96));
                const int32x4_t d2 = q8_dot32_neon(lo, vld1q_s8(qb + 128), hi, vld1q_s8(qb + 160));
                const int32x4_t dot = vaddq_s32(vaddq_s32(vshlq_n_s32(d0, 14), vshlq_n_s32(d1, 7)), d2);
                gacc = vmlaq_n_f32(gacc, vcvtq_f32_s32(dot), j->d[(size_t)(b / 2) * 8 + (b & 1) * 4]);
            }
            acc = vmlaq_n_f32(acc, gacc, sg);
        }
        j->out[r] = vaddvq_f32(acc) + accb;
    }
}
#endif

void kn_qmatvec_q8(float *out, int ldo, const float *x, const wmat *W, int M, float *scratch, size_t scratch_floats) {
    quant_init();
    const int K = W->cols, G = W->group;
    /* as many rows of x per pass over W as the scratch holds (every pass streams W once) */
    const size_t per_row = kn_qmatvec_q8_scratch_floats(1, K, G); /* n rows need n * per_row (Kp % 64 == 0) */
    const int mc = scratch_floats / per_row >= (size_t)M ? M : (int)(scratch_floats / per_row);
    if (mc < 1) return; /* the caller guarantees room for one row (kernels.h) */
    for (int m0 = 0; m0 < M; m0 += mc) {
        const int n = M - m0 < mc ? M - m0 : mc;
        /* scratch: d (n*Kp/8 floats), xs and xe (n*ng floats each), then q (n*Kp bytes) */
        float *d = scratch, *xs = d + (size_t)n * (padded(K) / 8), *xe = xs + (size_t)n * (K / G);
        int8_t *q = (int8_t *)(void *)(xe + (size_t)n * (K / G));
#ifdef Q8_BLOCK
        q8_quantize(q, d, xs, xe, x + (size_t)m0 * K, n, K, G, 1);
#ifdef SAM_X86
        q8_job job = {out + (size_t)m0 * ldo, ldo, n, q, d, xs, xe, W, n == 1 && q8_flat(W)};
#else
        q8_job job = {out + (size_t)m0 * ldo, ldo, n, q, d, xs, xe, W, 0};
#endif
        /* guided chunks: long contiguous runs of rows first keep each thread's weight stream sequential
         * (chunks of 16 rows, 12 KB, made the threads take turns along one matrix and cost a fifth of the
         * bandwidth: 20 against 24 GB/s in bench_decode), short ones last balance the threads */
        par_for_guided(W->rows, 16, (size_t)W->rows * K * n >= 65536 ? par_threads() : 1, q8_body, &job);
#else
        (void)out; (void)ldo; (void)q; (void)x; (void)xs; (void)xe; (void)d; /* never called: no kernel here */
#endif
    }
}

/* q22 runs the flat one-row kernel: its shapes (q8_flat) on x86 */
int kn_qmatvec_q22_supported(const wmat *W) {
    const int shape = W->kind == WM_Q && W->bits == 4 && W->group % 64 == 0 && W->cols % 64 == 0;
#if defined(SAM_X86)
    return cpu_has_avx2_fma() && shape && q8_flat(W);
#elif defined(SAM_NEON)
    return cpu_isa() == ISA_NEON && shape;
#else
    (void)shape;
    return 0;
#endif
}

void kn_qmatvec_q22(float *out, const float *x, const wmat *W, float *scratch, size_t scratch_floats) {
    quant_init();
#ifdef Q22_BLOCK
    const int K = W->cols, G = W->group;
    if (!kn_qmatvec_q22_supported(W) || kn_qmatvec_q22_scratch_floats(K, G) > scratch_floats) return; /* the caller checks (kernels.h) */
    float *d = scratch, *xs = d + K / 8, *xe = xs + K / G;
    int8_t *q = (int8_t *)(void *)(xe + K / G);
    q8_quantize(q, d, xs, xe, x, 1, K, G, 3);
    q8_job job = {out, 1, 1, q, d, xs, xe, W, 1};
    par_for_guided(W->rows, 16, (size_t)W->rows * K >= 65536 ? par_threads() : 1, q22_body, &job); /* as kn_qmatvec_q8 */
#else
    (void)out; (void)x; (void)W; (void)scratch; (void)scratch_floats;
#endif
}
