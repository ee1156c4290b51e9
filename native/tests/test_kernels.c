/* test_kernels.c — the compute seam and the dtype/quantization primitives.
 *  - kn_sgemm (builtin and, with SAM_BLAS_LIB, CBLAS) against a double-precision reference for
 *    every transpose combination, odd sizes, padded leading dimensions, alpha/beta, beta = 0 with
 *    NaN in C, K = 0; tolerance 1e-5 relative to sum |a||b|.
 *  - builtin GEMM is bitwise identical for 1 and 2 threads (no K split).
 *  - the workspace GEMM (kn_sgemm_ws) likewise, for every transpose and workspace size; the weight GEMM
 *    (kn_wgemm, dequantization fused into packing) for every dtype / MLX width, both orientations:
 *    against a double product, bitwise equal to the product with the dequantized fp32 copy and for
 *    1 and 2 threads.
 *  - fp16/bf16 conversion: known values, and every finite fp16 round-trips exactly.
 *  - quantized linear: the fused small-M path (decode) and the tile path (dequantize rows + GEMM)
 *    against a double-precision product with the dequantized matrix, all bit widths and groups.
 *  - decode products with int8 activations (q8) within their stated error bound, 1 and 2 threads equal.
 *  - MLX bit unpacking for 2/3/4/5/6/8 bits against an independent oracle: for 2/4/8 bits the
 *    "element j of a uint32 at bits [bits*j, bits*(j+1))" rule on u32 words, for 3/5/6 bits the
 *    byte masks of mlx/backend/cpu/quantized.cpp extract_bits. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "matmul.h"
#include "layers.h"
#include "parallel.h"
#include "quant.h"
#include "rng.h"
#include "test_util.h"

static float urand(xoshiro256 *r) { return xoshiro_uniform(r) * 2.0f - 1.0f; }

static void gemm_case(xoshiro256 *r, int ta, int tb, int M, int N, int K, float alpha, float beta, int pad) {
    const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
    const int arows = ta ? K : M, brows = tb ? N : K;
    float *A = malloc(sizeof(float) * ((size_t)arows * lda + 1)), *B = malloc(sizeof(float) * ((size_t)brows * ldb + 1));
    float *C = malloc(sizeof(float) * ((size_t)M * ldc + 1)), *C0 = malloc(sizeof(float) * ((size_t)M * ldc + 1));
    for (size_t i = 0; i < (size_t)arows * lda; i++) A[i] = urand(r);
    for (size_t i = 0; i < (size_t)brows * ldb; i++) B[i] = urand(r);
    for (size_t i = 0; i < (size_t)M * ldc; i++) C0[i] = C[i] = beta == 0.0f ? NAN : urand(r);
    mm_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    double worst = 0.0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0.0, mag = 0.0;
            for (int k = 0; k < K; k++) {
                double a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                double b = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                s += a * b;
                mag += fabs(a * b);
            }
            double want = alpha * s + (beta == 0.0f ? 0.0 : beta * (double)C0[(size_t)i * ldc + j]);
            double err = fabs(C[(size_t)i * ldc + j] - want) / (fabs(alpha) * mag + fabs(beta) + 1e-6);
            if (!(err <= worst)) worst = err; /* catches NaN */
        }
    int pad_ok = 1;
    for (int i = 0; i < M; i++)
        for (int j = N; j < ldc; j++) pad_ok &= memcmp(&C[(size_t)i * ldc + j], &C0[(size_t)i * ldc + j], 4) == 0;
    CHECK(worst < 1e-5 && pad_ok, "sgemm ta=%d tb=%d M=%d N=%d K=%d alpha=%g beta=%g pad=%d: rel err %.3g, padding untouched %d",
          ta, tb, M, N, K, alpha, beta, pad, worst, pad_ok);
    free(A); free(B); free(C); free(C0);
}

static void test_gemm(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 1);
    const int sz[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 64, 64}, {67, 130, 300}, {1, 257, 129}, {200, 3, 517}, {9, 300, 1}};
    const float ab[][2] = {{1, 0}, {0.5f, 1}, {-2, 0.25f}};
    for (int s = 0; s < 8; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int a = 0; a < 3; a++) gemm_case(&r, ta, tb, sz[s][0], sz[s][1], sz[s][2], ab[a][0], ab[a][1], (s + a) % 3);
    /* K = 0: C = beta C */
    float C[4] = {1, 2, 3, 4};
    mm_sgemm(KN_N, KN_N, 2, 2, 0, 1.0f, NULL, 1, NULL, 2, 0.5f, C, 2);
    CHECK(C[0] == 0.5f && C[3] == 2.0f, "K = 0 must scale C by beta");
}

static void test_gemm_threads(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 2);
    const int M = 150, N = 300, K = 700;
    float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * N * K);
    float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
    for (int i = 0; i < M * K; i++) A[i] = urand(&r);
    for (int i = 0; i < N * K; i++) B[i] = urand(&r);
    sam_backend_init(NULL, 1);
    kn_gemm_stack(kn_f32_kernel(), KN_N, KN_T, M, N, K, 1.0f, A, K, B, K, 0.0f, C1, N);
    sam_backend_init(NULL, 2);
    kn_gemm_stack(kn_f32_kernel(), KN_N, KN_T, M, N, K, 1.0f, A, K, B, K, 0.0f, C2, N);
    CHECK(memcmp(C1, C2, sizeof(float) * M * N) == 0, "builtin sgemm differs between 1 and 2 threads");
    sam_backend_init(NULL, 0);
    free(A); free(B); free(C1); free(C2);
}

/* kn_sgemm_ws: the workspace driver (op(A) packed once per K range, M chunks) for every transpose,
 * odd sizes, alpha/beta, beta = 0 with NaN in C, and workspaces from "one panel" to "everything". */
static void test_gemm_ws(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 11);
    const int sz[][3] = {{1, 1, 1}, {15, 33, 17}, {29, 70, 300}, {100, 64, 513}, {513, 40, 260}, {3, 200, 1000}};
    const size_t wss[3] = {1, 14 * 256 + 100, (size_t)1 << 20};
    for (int s = 0; s < 6; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int w = 0; w < 3; w++) {
                    const int M = sz[s][0], N = sz[s][1], K = sz[s][2], pad = (s + w) % 3;
                    const float alpha = w == 1 ? -0.5f : 1.0f, beta = w == 0 ? 0.0f : 0.75f;
                    const int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
                    const int arows = ta ? K : M, brows = tb ? N : K;
                    float *A = malloc(sizeof(float) * (size_t)arows * lda), *B = malloc(sizeof(float) * (size_t)brows * ldb);
                    float *C = malloc(sizeof(float) * (size_t)M * ldc), *C0 = malloc(sizeof(float) * (size_t)M * ldc);
                    float *ws = malloc(sizeof(float) * wss[w]);
                    for (size_t i = 0; i < (size_t)arows * lda; i++) A[i] = urand(&r);
                    for (size_t i = 0; i < (size_t)brows * ldb; i++) B[i] = urand(&r);
                    for (size_t i = 0; i < (size_t)M * ldc; i++) C0[i] = C[i] = beta == 0.0f ? NAN : urand(&r);
                    mm_sgemm_ws(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ws, wss[w]);
                    double worst = 0.0;
                    int pad_ok = 1;
                    for (int i = 0; i < M; i++) {
                        for (int j = 0; j < N; j++) {
                            double acc = 0.0, mag = 0.0;
                            for (int k = 0; k < K; k++) {
                                const double a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                                const double b = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                                acc += a * b;
                                mag += fabs(a * b);
                            }
                            const double want = alpha * acc + (beta == 0.0f ? 0.0 : beta * (double)C0[(size_t)i * ldc + j]);
                            const double err = fabs(C[(size_t)i * ldc + j] - want) / (fabs(alpha) * mag + fabs(beta) + 1e-6);
                            if (!(err <= worst)) worst = err;
                        }
                        for (int j = N; j < ldc; j++) pad_ok &= memcmp(&C[(size_t)i * ldc + j], &C0[(size_t)i * ldc + j], 4) == 0;
                    }
                    CHECK(worst < 1e-5 && pad_ok, "sgemm_ws ta=%d tb=%d M=%d N=%d K=%d ws=%zu: rel err %.3g, padding untouched %d",
                          ta, tb, M, N, K, wss[w], worst, pad_ok);
                    free(A); free(B); free(C); free(C0); free(ws);
                }
}

/* kn_wgemm straight from stored weights (dequantization fused into packing), both orientations,
 * every dtype and MLX width: against a double product with the dequantized matrix, bitwise equal to
 * the same product on that dequantized fp32 copy, and bitwise equal for 1 and 2 threads. */
static void test_wgemm(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 12);
    const int rows = 70, cols = 384, M = 37;
    const size_t wsf = (size_t)1 << 16;
    uint8_t *w = malloc((size_t)rows * cols * 4);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 12), *bi = malloc(sizeof(uint16_t) * rows * 12);
    float *deq = malloc(sizeof(float) * rows * cols), *x = malloc(sizeof(float) * M * cols);
    float *out = malloc(sizeof(float) * M * cols), *ref = malloc(sizeof(float) * M * cols), *ws = malloc(sizeof(float) * wsf);
    for (int i = 0; i < M * cols; i++) x[i] = urand(&r);
    /* kinds: F32 (unaligned: converted), F16, BF16, then Q bits 2..8 with groups 32/64/128 */
    const int bitsv[6] = {2, 3, 4, 5, 6, 8}, groups[3] = {32, 64, 128};
    for (int kind = 0; kind < 3 + 18; kind++) {
        wmat W = {.rows = rows, .cols = cols, .name = "W"};
        const int bits = kind >= 3 ? bitsv[(kind - 3) / 3] : 0, G = kind >= 3 ? groups[(kind - 3) % 3] : 0;
        if (kind == 0) {
            W.kind = WM_F32;
            for (int i = 0; i < rows * cols; i++) { float f = urand(&r); memcpy(w + 4 * (size_t)i, &f, 4); }
        } else if (kind < 3) {
            W.kind = kind == 1 ? WM_F16 : WM_BF16;
            for (int i = 0; i < rows * cols; i++) { uint16_t h = kind == 1 ? f32_to_f16(urand(&r)) : f32_to_bf16(urand(&r)); memcpy(w + 2 * (size_t)i, &h, 2); }
        } else {
            W.kind = WM_Q;
            W.bits = bits;
            W.group = G;
            W.scales = (const uint8_t *)sc;
            W.biases = (const uint8_t *)bi;
            for (int i = 0; i < rows * cols * bits / 8; i++) w[i] = (uint8_t)xoshiro_next(&r);
            for (int i = 0; i < rows * cols / G; i++) { sc[i] = f32_to_f16(urand(&r) * 0.1f); bi[i] = f32_to_f16(urand(&r) * 0.2f); }
        }
        W.w = w;
        wmat_rows(&W, 0, rows, deq);
        const wmat D = {.kind = WM_F32, .rows = rows, .cols = cols, .w = (const uint8_t *)deq, .direct = deq, .name = "D"};
        for (int tw = 0; tw < 2; tw++) {
            /* tw = T: out (M, rows) = x (M, cols) W^T; tw = N: out (M, cols) = x (M, rows) W */
            const int N = tw ? rows : cols, K = tw ? cols : rows;
            sam_backend_init(NULL, 2);
            mm_wgemm(KN_N, tw, M, N, K, 1.0f, x, K, &W, 0.0f, out, N, ws, wsf);
            mm_wgemm(KN_N, tw, M, N, K, 1.0f, x, K, &D, 0.0f, ref, N, ws, wsf);
            double worst = 0.0;
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    double acc = 0.0, mag = 0.0;
                    for (int k = 0; k < K; k++) {
                        const double p = (double)x[(size_t)i * K + k] * (tw ? deq[(size_t)j * cols + k] : deq[(size_t)k * cols + j]);
                        acc += p;
                        mag += fabs(p);
                    }
                    const double err = fabs(out[(size_t)i * N + j] - acc) / (mag + 1e-12);
                    if (!(err <= worst)) worst = err;
                }
            CHECK(worst < 1e-5, "wgemm kind %d bits %d group %d tw %d: rel err %.3g", W.kind, bits, G, tw, worst);
            CHECK(memcmp(out, ref, sizeof(float) * M * N) == 0, "wgemm kind %d bits %d group %d tw %d: differs from the product with its fp32 copy", W.kind, bits, G, tw);
            sam_backend_init(NULL, 1);
            mm_wgemm(KN_N, tw, M, N, K, 1.0f, x, K, &W, 0.0f, ref, N, ws, wsf);
            CHECK(memcmp(out, ref, sizeof(float) * M * N) == 0, "wgemm kind %d bits %d tw %d: 1 and 2 threads differ", W.kind, bits, tw);
        }
    }
    sam_backend_init(NULL, 0);
    free(w); free(sc); free(bi); free(deq); free(x); free(out); free(ref); free(ws);
}

/* bf16 compute (sam_backend_set_precision): the workspace and weight GEMMs with both operands rounded to
 * bf16 and fp32 sums, within the bf16 rounding bound (2^-8 of sum |a||b|) of a double product, for
 * transposed and untransposed A, odd K (a zero pair partner), partial panels; bitwise equal for 1 and 2
 * threads and to the product with the dequantized fp32 copy; refused on a BLAS backend. */
static void test_bf16(void) {
    if (!kn_bf16_kernel()) {
        printf("test_bf16: skipped, this CPU has no AVX512-BF16\n");
        CHECK(sam_backend_set_precision(SAM_PRECISION_BF16) == SAM_ERR_BACKEND, "bf16 must be refused without AVX512-BF16");
        return;
    }
    xoshiro256 r;
    xoshiro_seed(&r, 13);
    const int sz[][3] = {{1, 5, 2}, {15, 33, 301}, {29, 70, 512}, {100, 64, 777}};
    const size_t wsf = (size_t)1 << 15;
    float *ws = malloc(sizeof(float) * wsf);
    for (int s = 0; s < 4; s++)
        for (int ta = 0; ta < 2; ta++) {
            const int M = sz[s][0], N = sz[s][1], K = sz[s][2], lda = ta ? M : K;
            float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * N * K);
            float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
            for (int i = 0; i < M * K; i++) A[i] = urand(&r);
            for (int i = 0; i < N * K; i++) B[i] = urand(&r);
            sam_backend_init(NULL, 2);
            CHECK_OK(sam_backend_set_precision(SAM_PRECISION_BF16));
            mm_sgemm_ws(ta, KN_T, M, N, K, 1.0f, A, lda, B, K, 0.0f, C1, N, ws, wsf);
            double worst = 0.0;
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    double acc = 0.0, mag = 0.0;
                    for (int k = 0; k < K; k++) {
                        const double p = (double)(ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k]) * B[(size_t)j * K + k];
                        acc += p;
                        mag += fabs(p);
                    }
                    const double err = fabs(C1[(size_t)i * N + j] - acc) / (mag + 1e-12);
                    if (!(err <= worst)) worst = err;
                }
            CHECK(worst < 1.0 / 256 && worst > 1e-6, "bf16 sgemm ta=%d M=%d N=%d K=%d: rel err %.3g (expected bf16-sized)", ta, M, N, K, worst);
            sam_backend_init(NULL, 1);
            mm_sgemm_ws(ta, KN_T, M, N, K, 1.0f, A, lda, B, K, 0.0f, C2, N, ws, wsf);
            CHECK(memcmp(C1, C2, sizeof(float) * M * N) == 0, "bf16 sgemm ta=%d M=%d: 1 and 2 threads differ", ta, M);
            free(A); free(B); free(C1); free(C2);
        }
    /* weights: 4-bit g64 in both orientations equals the product with its dequantized copy */
    const int rows = 70, cols = 384, M = 37;
    uint8_t *w = malloc((size_t)rows * cols / 2);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 6), *bi = malloc(sizeof(uint16_t) * rows * 6);
    float *deq = malloc(sizeof(float) * rows * cols), *x = malloc(sizeof(float) * M * cols);
    float *o1 = malloc(sizeof(float) * M * cols), *o2 = malloc(sizeof(float) * M * cols);
    for (int i = 0; i < rows * cols / 2; i++) w[i] = (uint8_t)xoshiro_next(&r);
    for (int i = 0; i < rows * 6; i++) { sc[i] = f32_to_f16(urand(&r) * 0.1f); bi[i] = f32_to_f16(urand(&r) * 0.2f); }
    for (int i = 0; i < M * cols; i++) x[i] = urand(&r);
    const wmat W = {.kind = WM_Q, .rows = rows, .cols = cols, .w = w, .scales = (const uint8_t *)sc, .biases = (const uint8_t *)bi, .bits = 4, .group = 64, .name = "W"};
    wmat_rows(&W, 0, rows, deq);
    const wmat D = {.kind = WM_F32, .rows = rows, .cols = cols, .w = (const uint8_t *)deq, .direct = deq, .name = "D"};
    sam_backend_init(NULL, 2);
    CHECK_OK(sam_backend_set_precision(SAM_PRECISION_BF16));
    CHECK(strstr(sam_backend_name(), "bf16") != NULL, "backend name shows bf16: %s", sam_backend_name());
    for (int tw = 0; tw < 2; tw++) {
        const int N = tw ? rows : cols, K = tw ? cols : rows;
        mm_wgemm(KN_N, tw, M, N, K, 1.0f, x, K, &W, 0.0f, o1, N, ws, wsf);
        mm_wgemm(KN_N, tw, M, N, K, 1.0f, x, K, &D, 0.0f, o2, N, ws, wsf);
        CHECK(memcmp(o1, o2, sizeof(float) * M * N) == 0, "bf16 wgemm tw %d differs from the product with the fp32 copy", tw);
    }
    /* a BLAS backend turns bf16 off; bf16 on a BLAS backend is refused */
    const char *blas = getenv("SAM_BLAS_LIB");
    if (blas && blas[0]) {
        CHECK_OK(sam_backend_init(blas, 2));
        CHECK(!mm_bf16_enabled(), "selecting a BLAS library must switch bf16 off");
        CHECK_ERR(sam_backend_set_precision(SAM_PRECISION_BF16), SAM_ERR_BACKEND, "built-in kernels");
    }
    CHECK_ERR(sam_backend_set_precision(7), SAM_ERR_INVALID_ARG, "unknown precision");
    sam_backend_init(NULL, 0);
    sam_backend_set_precision(SAM_PRECISION_FP32);
    CHECK(!mm_bf16_enabled() && strstr(sam_backend_name(), "bf16") == NULL, "back to fp32: %s", sam_backend_name());
    free(w); free(sc); free(bi); free(deq); free(x); free(o1); free(o2); free(ws);
}

static void test_half(void) {
    CHECK(f16_to_f32(0x3C00) == 1.0f && f16_to_f32(0xC000) == -2.0f && f16_to_f32(0x7BFF) == 65504.0f, "f16 normals");
    CHECK(f16_to_f32(0x0001) == ldexpf(1.0f, -24) && f16_to_f32(0x03FF) == ldexpf(1023.0f, -24), "f16 subnormals");
    CHECK(isinf(f16_to_f32(0x7C00)) && isnan(f16_to_f32(0x7E00)) && signbit(f16_to_f32(0x8000)), "f16 specials");
    int bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) continue; /* NaN payloads */
        bad += f32_to_f16(f16_to_f32((uint16_t)h)) != h;
    }
    CHECK(bad == 0, "%d fp16 values do not round-trip", bad);
    CHECK(f32_to_f16(1.0f + ldexpf(1.0f, -11)) == 0x3C00, "f16 ties to even (down)");
    CHECK(f32_to_f16(1.0f + 3 * ldexpf(1.0f, -11)) == 0x3C02, "f16 ties to even (up)");
    CHECK(f32_to_f16(70000.0f) == 0x7C00, "f16 overflow to inf");
    CHECK(bf16_to_f32(0x3F80) == 1.0f && bf16_to_f32(0xC0A0) == -5.0f, "bf16 values");
    CHECK(f32_to_bf16(1.0f) == 0x3F80 && f32_to_bf16(1.00390625f) == 0x3F80 && f32_to_bf16(1.01171875f) == 0x3F82, "bf16 rounding");
}

/* mlx/backend/cpu/quantized.cpp extract_bits: 8 values from 3 (bits 3) or 5 (bits 5) bytes, 4 from 3 (bits 6). */
static void mlx_extract(int bits, const uint8_t *w, int *o) {
    if (bits == 3) {
        o[0] = w[0] & 0x7; o[1] = (w[0] & 0x38) >> 3; o[2] = ((w[0] & 0xc0) >> 6) + ((w[1] & 0x1) << 2);
        o[3] = (w[1] & 0xe) >> 1; o[4] = (w[1] & 0x70) >> 4; o[5] = ((w[1] & 0x80) >> 7) + ((w[2] & 0x3) << 1);
        o[6] = (w[2] & 0x1c) >> 2; o[7] = (w[2] & 0xe0) >> 5;
    } else if (bits == 5) {
        o[0] = w[0] & 0x1f; o[1] = ((w[0] & 0xe0) >> 5) + ((w[1] & 0x3) << 3); o[2] = (w[1] & 0x7c) >> 2;
        o[3] = ((w[1] & 0x80) >> 7) + ((w[2] & 0xf) << 1); o[4] = ((w[2] & 0xf0) >> 4) + ((w[3] & 0x1) << 4);
        o[5] = (w[3] & 0x3e) >> 1; o[6] = ((w[3] & 0xc0) >> 6) + ((w[4] & 0x7) << 2); o[7] = (w[4] & 0xf8) >> 3;
    } else { /* 6 */
        o[0] = w[0] & 0x3f; o[1] = ((w[0] >> 6) & 0x03) + ((w[1] & 0x0f) << 2);
        o[2] = ((w[1] >> 4) & 0x0f) + ((w[2] & 0x03) << 4); o[3] = (w[2] >> 2) & 0x3f;
    }
}

static void test_unpack(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 3);
    const int cols = 128, group = 32, bitsv[6] = {2, 3, 4, 5, 6, 8};
    uint8_t w[128];
    uint16_t sc[4], bi[4];
    for (int g = 0; g < 4; g++) { sc[g] = f32_to_f16(1.0f); bi[g] = 0; }
    for (int b = 0; b < 6; b++) {
        const int bits = bitsv[b], nbytes = cols * bits / 8;
        for (int i = 0; i < nbytes; i++) w[i] = (uint8_t)xoshiro_next(&r);
        float got[128];
        q_dequant_row(got, w, (const uint8_t *)sc, (const uint8_t *)bi, 0, cols, bits, group);
        int want[128];
        if (bits == 2 || bits == 4 || bits == 8) {
            const int per = 32 / bits;
            for (int j = 0; j < cols; j++) {
                uint32_t word;
                memcpy(&word, w + 4 * (j / per), 4);
                want[j] = (int)((word >> (bits * (j % per))) & ((1u << bits) - 1));
            }
        } else {
            const int vals = bits == 6 ? 4 : 8, bytes = bits == 6 ? 3 : bits;
            for (int p = 0; p < cols / vals; p++) mlx_extract(bits, w + p * bytes, want + p * vals);
        }
        int bad = 0;
        for (int j = 0; j < cols; j++) bad += got[j] != (float)want[j];
        CHECK(bad == 0, "%d-bit unpacking: %d of %d values differ from the MLX layout", bits, bad, cols);
    }
    /* scale/bias application per group, as stored (negative scale) */
    uint8_t w4[16] = {0x21};
    uint16_t s2[1] = {f32_to_f16(-0.5f)}, b2[1] = {f32_to_f16(0.25f)};
    float o[32];
    q_dequant_row(o, w4, (const uint8_t *)s2, (const uint8_t *)b2, 0, 32, 4, 32);
    CHECK(o[0] == -0.25f && o[1] == -0.75f && o[2] == 0.25f, "w = scale * q + bias with a negative scale: %g %g %g", o[0], o[1], o[2]);
}

/* The SIMD dequantization (AVX-512 packers, NEON rows/segments/packers) against the scalar formula
 * w = scale * q + bias (one rounding after the product, one after the sum) bit for bit, for 4- and
 * 8-bit rows with random fp16/bf16 scales and biases, every group size, and ragged ranges: whole rows
 * (q_dequant_row, wmat_rows) and panels of op(W) at odd offsets and widths (the GEMM packers). */
static float ref_dequant(const wmat *W, int r, int c) {
    const size_t wbytes = (size_t)W->cols * W->bits / 8, sbytes = (size_t)(W->cols / W->group) * 2;
    const uint8_t *wr = W->w + (size_t)r * wbytes;
    const int q = W->bits == 8 ? wr[c] : (c & 1 ? wr[c / 2] >> 4 : wr[c / 2] & 15);
    uint16_t hs, hb;
    memcpy(&hs, W->scales + (size_t)r * sbytes + 2 * (c / W->group), 2);
    memcpy(&hb, W->biases + (size_t)r * sbytes + 2 * (c / W->group), 2);
    const float s = W->sb_bf16 ? bf16_to_f32(hs) : f16_to_f32(hs), b = W->sb_bf16 ? bf16_to_f32(hb) : f16_to_f32(hb);
    volatile float prod = s * (float)q; /* volatile: no contraction into an FMA here */
    return prod + b;
}

static void test_dequant_reference(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 17);
    const int rows = 21, cols = 384, groups[3] = {32, 64, 128};
    uint8_t *w = malloc((size_t)rows * cols);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 12), *bi = malloc(sizeof(uint16_t) * rows * 12);
    float *got = malloc(sizeof(float) * rows * cols), *panel = malloc(sizeof(float) * 256 * 32);
    for (int bits = 4; bits <= 8; bits += 4)
        for (int gi = 0; gi < 3; gi++)
            for (int sbf = 0; sbf < 2; sbf++) {
                const int G = groups[gi], ng = cols / G;
                for (int i = 0; i < rows * cols * bits / 8; i++) w[i] = (uint8_t)xoshiro_next(&r);
                for (int i = 0; i < rows * ng; i++) {
                    const float s = (xoshiro_uniform(&r) - 0.5f) * 0.37f, o = (xoshiro_uniform(&r) - 0.5f) * 1.3f;
                    sc[i] = sbf ? f32_to_bf16(s) : f32_to_f16(s);
                    bi[i] = sbf ? f32_to_bf16(o) : f32_to_f16(o);
                }
                wmat W = {.kind = WM_Q, .rows = rows, .cols = cols, .w = w, .scales = (const uint8_t *)sc,
                          .biases = (const uint8_t *)bi, .sb_bf16 = sbf, .bits = bits, .group = G, .name = "W"};
                int bad = 0;
                wmat_rows(&W, 0, rows, got);
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++) bad += memcmp(&got[i * cols + j], &(float){ref_dequant(&W, i, j)}, 4) != 0;
                CHECK(bad == 0, "%d-bit group %d %s: %d dequantized values differ from scale * q + bias", bits, G, sbf ? "bf16" : "f16", bad);
                /* panels of op(W) = W^T (forward) and op(W) = W at ragged offsets and widths */
                const int k0s[3] = {0, 16, 7}, kcs[3] = {256, 33, 100}, j0s[3] = {0, 5, 12}, ns[3] = {12, 9, 16};
                for (int a = 0; a < 3; a++)
                    for (int nr = 12; nr <= 32; nr += 4) {
                        const int k0 = k0s[a], kc = kcs[a], j0 = j0s[a], n = ns[a] < nr ? ns[a] : nr;
                        int pb = 0;
                        if (k0 + kc <= cols && j0 + n <= rows) {
                            wmat_pack_t(&W, panel, k0, kc, j0, n, nr);
                            for (int k = 0; k < kc; k++)
                                for (int jj = 0; jj < nr; jj++) {
                                    const float want = jj < n ? ref_dequant(&W, j0 + jj, k0 + k) : 0.0f;
                                    pb += memcmp(&panel[k * nr + jj], &want, 4) != 0;
                                }
                        }
                        /* op(W) = W: k indexes rows of W, j its columns */
                        const int kr = kc < rows - k0 % rows ? kc : rows - k0 % rows;
                        wmat_pack_n(&W, panel, k0 % rows, kr, j0 * 7, n, nr);
                        for (int k = 0; k < kr; k++)
                            for (int jj = 0; jj < nr; jj++) {
                                const float want = jj < n ? ref_dequant(&W, k0 % rows + k, j0 * 7 + jj) : 0.0f;
                                pb += memcmp(&panel[k * nr + jj], &want, 4) != 0;
                            }
                        CHECK(pb == 0, "%d-bit group %d: packed panel (k0 %d kc %d j0 %d n %d nr %d) differs from the reference in %d values",
                              bits, G, k0, kc, j0, n, nr, pb);
                    }
            }
    free(w); free(sc); free(bi); free(got); free(panel);
}

static void test_quant_linear(void) {
    xoshiro256 r;
    xoshiro_seed(&r, 5);
    const int bitsv[6] = {2, 3, 4, 5, 6, 8}, groups[3] = {32, 64, 128}, Ms[5] = {1, 2, 7, 8, 9};
    const int rows = 37, cols = 256;
    uint8_t *w = malloc((size_t)rows * cols);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 8), *bi = malloc(sizeof(uint16_t) * rows * 8);
    float *x = malloc(sizeof(float) * 9 * cols), *out = malloc(sizeof(float) * 9 * 40), *deq = malloc(sizeof(float) * rows * cols);
    float tile[64 * 256];
    for (int i = 0; i < 9 * cols; i++) x[i] = xoshiro_uniform(&r) - 0.5f;
    for (int b = 0; b < 6; b++)
        for (int gi = 0; gi < 3; gi++)
            for (int sbf = 0; sbf < 2; sbf++) {
                const int bits = bitsv[b], G = groups[gi], ng = cols / G;
                for (int i = 0; i < rows * cols * bits / 8; i++) w[i] = (uint8_t)xoshiro_next(&r);
                for (int i = 0; i < rows * ng; i++) {
                    float s = (xoshiro_uniform(&r) - 0.5f) * 0.1f, o = (xoshiro_uniform(&r) - 0.5f) * 0.2f;
                    sc[i] = sbf ? f32_to_bf16(s) : f32_to_f16(s);
                    bi[i] = sbf ? f32_to_bf16(o) : f32_to_f16(o);
                }
                wmat W = {.kind = WM_Q, .rows = rows, .cols = cols, .w = w, .scales = (const uint8_t *)sc, .biases = (const uint8_t *)bi,
                          .sb_bf16 = sbf, .bits = bits, .group = G, .name = "W"};
                wmat_rows(&W, 0, rows, deq);
                for (int mi = 0; mi < 5; mi++) {
                    const int M = Ms[mi];
                    /* M <= 8: fused (with a scratch too small for all rows at M = 7: one row at a time);
                     * M = 9: tiles of 10 rows */
                    linear_forward(out, 40, x, &W, NULL, M, tile, M == 7 ? (size_t)cols : 10 * (size_t)cols);
                    double worst = 0;
                    for (int m = 0; m < M; m++)
                        for (int o = 0; o < rows; o++) {
                            double ref = 0, mag = 0;
                            for (int j = 0; j < cols; j++) { ref += (double)deq[o * cols + j] * x[m * cols + j]; mag += fabs((double)deq[o * cols + j] * x[m * cols + j]); }
                            worst = fmax(worst, fabs(out[m * 40 + o] - ref) / (mag + 1e-12));
                        }
                    CHECK(worst < 1e-5, "quantized linear bits %d group %d %s M %d: rel err %.3g", bits, G, sbf ? "bf16" : "f16", M, worst);
                }
            }
    free(w); free(sc); free(bi); free(x); free(out); free(deq);
}

/* Random 4-bit rows (rows x cols) with fp16 or bf16 scales and biases per group of G, and nx rows of
 * activations of mixed scale: an outlier every 97 values, a zero block (row 0), a tiny block (row 1). */
static wmat random_q4(xoshiro256 *r, uint8_t *w, uint16_t *sc, uint16_t *bi, float *x, int rows, int cols, int G, int sbf, int nx) {
    for (int i = 0; i < rows * cols / 2; i++) w[i] = (uint8_t)xoshiro_next(r);
    for (int i = 0; i < rows * (cols / G); i++) {
        float s = (xoshiro_uniform(r) - 0.5f) * 0.1f, o = (xoshiro_uniform(r) - 0.5f) * 0.2f;
        sc[i] = sbf ? f32_to_bf16(s) : f32_to_f16(s);
        bi[i] = sbf ? f32_to_bf16(o) : f32_to_f16(o);
    }
    for (int i = 0; i < nx * cols; i++) x[i] = (xoshiro_uniform(r) - 0.5f) * (i % 97 == 5 ? 40.0f : 1.0f);
    for (int j = 32; j < 64; j++) x[j] = 0.0f;
    for (int j = 64; j < 96; j++) x[cols + j] *= 1e-6f;
    return (wmat){.kind = WM_Q, .rows = rows, .cols = cols, .w = w, .scales = (const uint8_t *)sc, .biases = (const uint8_t *)bi,
                  .sb_bf16 = sbf, .bits = 4, .group = G, .name = "W"};
}

/* The error bound stated in qmatvec_q8.c for output row o of a 4-bit W against activations xm:
 * sum over blocks k of |s_g(k)| * (max|x_k| / 127) / steps * sum_{j in k} |n_j - 8|, where the activations'
 * rounding error is at most d_k / steps (steps 2 for q8's one plane, 32768 for q22's three). */
static double int8_bound(const uint8_t *w, const uint16_t *sc, const float *xm, int o, int cols, int G, int sbf, double steps) {
    double bound = 0;
    for (int k = 0; k < cols / 32; k++) {
        double amax = 0, nsum = 0;
        for (int j = 32 * k; j < 32 * k + 32; j++) {
            amax = fmax(amax, fabs((double)xm[j]));
            nsum += fabs((double)((w[(size_t)o * cols / 2 + j / 2] >> (4 * (j & 1))) & 15) - 8.0);
        }
        const uint16_t hs = sc[(size_t)o * (cols / G) + 32 * k / G];
        bound += fabs(sbf ? bf16_to_f32(hs) : f16_to_f32(hs)) * amax / 127.0 / steps * nsum;
    }
    return bound;
}

/* Decode products with int8 activations (SAM_DECODE_Q8, qmatvec_q8.c) against a double product with
 * the dequantized weights. The bound is the one stated in qmatvec_q8.c: per output
 * sum over blocks k of |s_g(k)| * d_k / 2 * sum_{j in k} |n_j - 8|, d_k = max|x_k| / 127 computed here from x,
 * plus 1e-5 of sum |w x| for fp32 rounding. Also: the error is not zero (the int8 path really ran),
 * the result is bitwise the same for 1 and 2 threads, and the fp32 setting restores the exact path.
 * Columns 256 and 352 (an odd last block of 32), 704 and 1280 (one row of x: the flat kernel's 8 groups
 * at a time plus a tail, and its 4 pairs at a time plus a tail), groups 32/64/128, fp16/bf16 scales,
 * M = 1, 2, 3, 8, 21 (M = 3 with a scratch for one row only). Skipped where the CPU has no int8 decode kernel. */
static void test_quant_linear_q8(void) {
    const wmat probe = {.kind = WM_Q, .rows = 1, .cols = 64, .bits = 4, .group = 64};
    if (!kn_qmatvec_q8_supported(&probe)) {
        CHECK(sam_backend_set_decode_precision(SAM_DECODE_Q8) == SAM_ERR_BACKEND, "q8 decode accepted without a kernel");
        printf("  q8 decode: no int8 kernel on this CPU, skipped\n");
        return;
    }
    xoshiro256 r;
    xoshiro_seed(&r, 23);
    const int rows = 261, ldo = 264, colsv[4] = {256, 352, 704, 1280}, groups[3] = {32, 64, 128}, Ms[5] = {1, 2, 3, 8, 21};
    uint8_t *w = malloc((size_t)rows * 1280 / 2);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 40), *bi = malloc(sizeof(uint16_t) * rows * 40);
    float *x = malloc(sizeof(float) * 21 * 1280), *out = calloc((size_t)21 * ldo, sizeof(float)), *out2 = calloc((size_t)21 * ldo, sizeof(float));
    float *deq = malloc(sizeof(float) * rows * 1280), tile[64 * 352];
    double worst_ratio = 0, worst_rel = 0;
    for (int ci = 0; ci < 4; ci++)
        for (int gi = 0; gi < 3; gi++)
            for (int sbf = 0; sbf < 2; sbf++) {
                const int cols = colsv[ci], G = groups[gi];
                if (cols % G || (ci >= 2 && G == 32)) continue; /* wide rows: the flat kernel's groups only */
                const wmat W = random_q4(&r, w, sc, bi, x, rows, cols, G, sbf, 21);
                wmat_rows(&W, 0, rows, deq);
                for (int mi = 0; mi < 5; mi++) {
                    const int M = Ms[mi];
                    /* M = 3: room for one row of x per pass; M = 21: for 8 (three passes over W) */
                    const size_t scratch = M == 3 ? kn_qmatvec_q8_scratch_floats(1, cols, G)
                                         : M == 21 ? kn_qmatvec_q8_scratch_floats(8, cols, G) + 8 : sizeof tile / sizeof(float);
                    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_Q8));
                    mm_generation_scope(1);
                    /* M <= 8 through the dispatch; M = 21 (more rows than matmul.c sends) the kernel itself */
                    sam_backend_init(NULL, 1);
                    if (M <= MM_DECODE_M) linear_forward(out, ldo, x, &W, NULL, M, tile, scratch);
                    else kn_qmatvec_q8(out, ldo, x, &W, M, tile, scratch);
                    sam_backend_init(NULL, 2);
                    if (M <= MM_DECODE_M) linear_forward(out2, ldo, x, &W, NULL, M, tile, scratch);
                    else kn_qmatvec_q8(out2, ldo, x, &W, M, tile, scratch);
                    int same = memcmp(out, out2, sizeof(float) * (size_t)M * ldo) == 0;
                    double worst = 0, maxerr = 0;
                    for (int m = 0; m < M; m++)
                        for (int o = 0; o < rows; o++) {
                            double ref = 0, mag = 0;
                            for (int j = 0; j < cols; j++) { ref += (double)deq[o * cols + j] * x[m * cols + j]; mag += fabs((double)deq[o * cols + j] * x[m * cols + j]); }
                            const double bound = int8_bound(w, sc, x + (size_t)m * cols, o, cols, G, sbf, 2.0);
                            const double err = fabs(out[m * ldo + o] - ref), tol = bound * 1.001 + 1e-5 * mag;
                            if (!(err <= worst * tol)) worst = err / tol; /* catches NaN */
                            maxerr = fmax(maxerr, err);
                            worst_ratio = fmax(worst_ratio, bound > 0 ? err / bound : 0);
                            worst_rel = fmax(worst_rel, err / (mag + 1e-12));
                        }
                    CHECK(worst <= 1.0 && maxerr > 0 && same, "q8 decode cols %d group %d %s M %d: error / bound %.3g (max error %.3g), 1 and 2 threads equal %d",
                          cols, G, sbf ? "bf16" : "f16", M, worst, maxerr, same);
                    /* the fp32 setting, and q8 outside a generation scope (training, evaluation) or above 8 rows
                     * (prefill): exact again */
                    for (int v = 0; v < 2; v++) {
                        CHECK_OK(sam_backend_set_decode_precision(v ? SAM_DECODE_Q8 : SAM_DECODE_FP32));
                        mm_generation_scope(v == 0 || M > MM_DECODE_M);
                        linear_forward(out2, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float));
                        double fpw = 0;
                        for (int m = 0; m < M; m++)
                            for (int o = 0; o < rows; o++) {
                                double ref = 0, mag = 0;
                                for (int j = 0; j < cols; j++) { ref += (double)deq[o * cols + j] * x[m * cols + j]; mag += fabs((double)deq[o * cols + j] * x[m * cols + j]); }
                                fpw = fmax(fpw, fabs(out2[m * ldo + o] - ref) / (mag + 1e-12));
                            }
                        CHECK(fpw < 1e-5, "M %d, %s: rel err %.3g", M, v ? (M > MM_DECODE_M ? "q8 on a prefill" : "q8 outside generation") : "fp32 decode after q8", fpw);
                    }
                    mm_generation_scope(0);
                    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_FP32));
                }
            }
    sam_backend_init(NULL, 0);
    printf("  q8 decode: worst error %.3g of the stated bound, %.3g relative to sum |w x|\n", worst_ratio, worst_rel);
    CHECK(sam_backend_set_decode_precision(7) == SAM_ERR_INVALID_ARG, "unknown decode precision accepted");
    free(w); free(sc); free(bi); free(x); free(out); free(out2); free(deq);
}

/* Decode products with three int8 planes (SAM_DECODE_Q22, qmatvec_q8.c) against a double product with
 * the dequantized weights. The bound is the one stated in qmatvec_q8.c: per output
 * sum over blocks k of |s_g(k)| * d_k / 32768 * sum_{j in k} |n_j - 8|, d_k = max|x_k| / 127, plus fp32
 * rounding (1e-6 of sum (|s n_j| + |b|) |x_j|, the magnitudes the integer sums and the fp32 sums carry).
 * And the exact path's own criterion: error below 1e-5 of sum |w x| (test_quant_linear). Also: the planes
 * really ran (the error differs from the fp32 kernel's), 1 and 2 threads bitwise equal, and the products
 * the kernel does not take (several rows of x, group 32, cols % 64 != 0, outside a generation) exact. */
static void test_quant_linear_q22(void) {
    const wmat probe = {.kind = WM_Q, .rows = 1, .cols = 64, .bits = 4, .group = 64};
    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_Q22)); /* accepted everywhere */
    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_FP32));
    if (!kn_qmatvec_q22_supported(&probe)) {
        printf("  q22 decode: no kernel on this CPU (products run fp32), skipped\n");
        return;
    }
    xoshiro256 r;
    xoshiro_seed(&r, 29);
    const int rows = 261, ldo = 264, colsv[4] = {256, 352, 704, 1536}, groups[3] = {32, 64, 128};
    uint8_t *w = malloc((size_t)rows * 1536 / 2);
    uint16_t *sc = malloc(sizeof(uint16_t) * rows * 48), *bi = malloc(sizeof(uint16_t) * rows * 48);
    float *x = malloc(sizeof(float) * 2 * 1536), *out = calloc((size_t)2 * ldo, sizeof(float)), *out2 = calloc((size_t)2 * ldo, sizeof(float));
    float *outx = calloc((size_t)2 * ldo, sizeof(float)), *deq = malloc(sizeof(float) * rows * 1536), tile[64 * 352];
    double worst_ratio = 0, worst_rel = 0;
    int ran = 0;
    for (int ci = 0; ci < 4; ci++)
        for (int gi = 0; gi < 3; gi++)
            for (int sbf = 0; sbf < 2; sbf++) {
                const int cols = colsv[ci], G = groups[gi];
                if (cols % G) continue;
                const int ng = cols / G;
                const wmat W = random_q4(&r, w, sc, bi, x, rows, cols, G, sbf, 2);
                wmat_rows(&W, 0, rows, deq);
                const int taken = kn_qmatvec_q22_supported(&W);
                for (int M = 1; M <= 2; M++) {
                    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_FP32));
                    mm_generation_scope(1);
                    linear_forward(outx, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float)); /* the fp32 kernel */
                    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_Q22));
                    sam_backend_init(NULL, 1);
                    linear_forward(out, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float));
                    sam_backend_init(NULL, 2);
                    linear_forward(out2, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float));
                    const int same = memcmp(out, out2, sizeof(float) * (size_t)M * ldo) == 0;
                    const int planes = M == 1 && taken; /* else the fp32 kernel, bitwise */
                    const int as_fp32 = memcmp(out, outx, sizeof(float) * (size_t)M * ldo) == 0;
                    double worst = 0, rel = 0;
                    for (int m = 0; m < M; m++)
                        for (int o = 0; o < rows; o++) {
                            double ref = 0, mag = 0, magsn = 0;
                            for (int j = 0; j < cols; j++) {
                                const double xj = x[m * cols + j];
                                uint16_t hs, hb;
                                memcpy(&hs, (const uint8_t *)sc + ((size_t)o * ng + j / G) * 2, 2);
                                memcpy(&hb, (const uint8_t *)bi + ((size_t)o * ng + j / G) * 2, 2);
                                const double sj = sbf ? bf16_to_f32(hs) : f16_to_f32(hs), bj = sbf ? bf16_to_f32(hb) : f16_to_f32(hb);
                                const int n = (w[(size_t)o * cols / 2 + j / 2] >> (4 * (j & 1))) & 15;
                                ref += (double)deq[o * cols + j] * xj;
                                mag += fabs((double)deq[o * cols + j] * xj);
                                magsn += (fabs(sj * n) + fabs(bj)) * fabs(xj);
                            }
                            const double bound = int8_bound(w, sc, x + (size_t)m * cols, o, cols, G, sbf, 32768.0);
                            const double err = fabs(out[m * ldo + o] - ref), tol = bound * 1.001 + 1e-6 * magsn;
                            if (!(err <= worst * tol)) worst = err / tol; /* catches NaN */
                            if (!(err <= rel * (mag + 1e-12))) rel = err / (mag + 1e-12);
                            if (planes) worst_ratio = fmax(worst_ratio, bound > 0 ? err / bound : 0);
                        }
                    if (planes) worst_rel = fmax(worst_rel, rel);
                    ran += planes;
                    CHECK(worst <= 1.0 && rel < 1e-5 && same && as_fp32 != planes,
                          "q22 decode cols %d group %d %s M %d: error / bound %.3g, relative %.3g, 1 and 2 threads equal %d, %s the fp32 kernel",
                          cols, G, sbf ? "bf16" : "f16", M, worst, rel, same, as_fp32 ? "same as" : "differs from");
                    /* outside a generation scope (training, evaluation): the fp32 kernel */
                    mm_generation_scope(0);
                    linear_forward(out2, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float));
                    mm_generation_scope(1);
                    linear_forward(outx, ldo, x, &W, NULL, M, tile, sizeof tile / sizeof(float));
                    CHECK(M > 1 || !taken || memcmp(out2, outx, sizeof(float) * ldo) != 0, "q22 outside generation: the planes ran");
                    mm_generation_scope(0);
                    CHECK_OK(sam_backend_set_decode_precision(SAM_DECODE_FP32));
                }
            }
    sam_backend_init(NULL, 0);
    CHECK(ran == 10, "q22 kernel ran on %d shapes, expected 10", ran);
    printf("  q22 decode: worst error %.3g of the stated bound, %.3g relative to sum |w x|\n", worst_ratio, worst_rel);
    free(w); free(sc); free(bi); free(x); free(out); free(out2); free(outx); free(deq);
}

/* par_for_guided: every index exactly once, whatever n, minimum chunk and thread count; the chunks in
 * order, the first about n / (2 threads), none longer than the one before it except the last (which may
 * take the rest), none shorter than the minimum except the last. */
typedef struct { atomic_int *hits; long *first, *len; atomic_int *nchunks; } guided_probe;
static void guided_probe_body(void *ctx, long i0, long i1) {
    guided_probe *p = ctx;
    const int c = atomic_fetch_add(p->nchunks, 1);
    if (c < 256) { p->first[c] = i0; p->len[c] = i1 - i0; }
    for (long i = i0; i < i1; i++) atomic_fetch_add(&p->hits[i], 1);
}
static int cmp_long(const void *a, const void *b) { return (*(const long *)a > *(const long *)b) - (*(const long *)a < *(const long *)b); }
static void test_par_for_guided(void) {
    const long ns[5] = {1, 15, 100, 1536, 151936};
    const int mins[2] = {1, 16}, threads[3] = {1, 2, 5};
    atomic_int *hits = malloc(sizeof(atomic_int) * 151936);
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++) {
                const long n = ns[a];
                long first[256], len[256], order[256][2];
                atomic_int nch = 0;
                for (long i = 0; i < n; i++) atomic_init(&hits[i], 0);
                guided_probe p = {hits, first, len, &nch};
                par_for_guided(n, mins[b], threads[t], guided_probe_body, &p);
                int once = 1;
                for (long i = 0; i < n; i++) once &= atomic_load(&hits[i]) == 1;
                const int nc = atomic_load(&nch);
                CHECK(once && nc >= 1 && nc <= 64, "guided n %ld min %d threads %d: every index once %d, %d chunks", n, mins[b], threads[t], once, nc);
                if (nc > 64) continue;
                for (int c = 0; c < nc; c++) { order[c][0] = first[c]; order[c][1] = len[c]; }
                qsort(order, (size_t)nc, sizeof order[0], cmp_long);
                int shape = 1;
                for (int c = 0; c + 1 < nc; c++) {
                    shape &= order[c][1] >= mins[b] || threads[t] <= 1;
                    if (c + 2 < nc) shape &= order[c + 1][1] <= order[c][1];
                }
                if (threads[t] > 1 && n > mins[b]) shape &= order[0][1] == (n / (2L * threads[t]) > mins[b] ? n / (2L * threads[t]) : mins[b]);
                CHECK(shape, "guided n %ld min %d threads %d: chunk sizes out of shape (first %ld, %d chunks)", n, mins[b], threads[t], order[0][1], nc);
            }
    free(hits);
}

int main(void) {
    test_par_for_guided();
    test_half();
    test_quant_linear();
    test_quant_linear_q8();
    test_quant_linear_q22();
    test_unpack();
    test_dequant_reference();
    test_gemm_threads();
    test_gemm_ws();
    test_wgemm();
    test_bf16();
    const char *be[2];
    int nb = tu_backends(be);
    for (int i = 0; i < nb; i++) {
        if (tu_use_backend(be[i])) { tu_failures++; continue; }
        test_gemm();
    }
    sam_backend_init(NULL, 0);
    return tu_done("test_kernels");
}
