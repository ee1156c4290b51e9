/* bench_decode.c — the decode mat-vec alone at Qwen2.5-Coder-1.5B shapes (MLX 4-bit, group 64): the
 * seven products of `layers` decoder layers and the tied 151936 x 1536 head, one token (M = 1), fp32,
 * q22 and q8 activations interleaved, against a STREAM triad (a[i] = b[i] + s c[i], 3 x 4 bytes per element
 * counted, arrays of 3 x 128 MiB) on the same threads. Weights are random (the speed does not depend on
 * them) and larger than the caches, as in real decoding. Not a test.
 * Also GB per CPU-second (process CPU time), which a loaded machine distorts less than wall time.
 * usage: bench_decode [layers=8] [rounds=5] [threads=0 (all)] [blas_library: the fp32 prefill on CBLAS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.h"
#include "matmul.h"
#include "parallel.h"
#include "quant.h"
#include "rng.h"
#include "samtrain.h"

enum { C = 1536, KVD = 256, I = 8960, V = 151936, G = 64 };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

static wmat qmat(int rows, int cols, xoshiro256 *r) {
    const size_t wb = (size_t)rows * cols / 2, sb = (size_t)rows * (cols / G) * 2;
    uint8_t *w = malloc(wb);
    uint16_t *s = malloc(sb), *b = malloc(sb);
    for (size_t i = 0; i < wb; i += 8) { const uint64_t v = xoshiro_next(r); memcpy(w + i, &v, wb - i < 8 ? wb - i : 8); }
    for (size_t i = 0; i < sb / 2; i++) { s[i] = f32_to_f16(0.01f); b[i] = f32_to_f16(-0.075f); }
    return (wmat){.kind = WM_Q, .rows = rows, .cols = cols, .w = w, .scales = (const uint8_t *)s, .biases = (const uint8_t *)b,
                  .bits = 4, .group = G, .name = "w"};
}

static size_t bytes_of(const wmat *W) { return (size_t)W->rows * W->cols / 2 + (size_t)W->rows * (W->cols / G) * 4; }

static const char *load(void) {
    static char buf[128];
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f || !fgets(buf, sizeof buf, f)) strcpy(buf, "?\n");
    if (f) fclose(f);
    return buf;
}

typedef struct { float *a; const float *b, *c; float s; } triad_job;
static void triad_body(void *ctx, long i0, long i1) {
    triad_job *j = ctx;
    for (long i = i0; i < i1; i++) j->a[i] = j->b[i] + j->s * j->c[i];
}

int main(int argc, char **argv) {
    const int L = argc > 1 ? atoi(argv[1]) : 8, rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (sam_backend_init(argc > 4 ? argv[4] : NULL, argc > 3 ? atoi(argv[3]) : 0)) { fprintf(stderr, "%s\n", sam_last_error()); return 1; }
    xoshiro256 r;
    xoshiro_seed(&r, 1);
    const int nm = 7 * L + 1;
    wmat *W = malloc(sizeof(wmat) * nm);
    size_t total = 0;
    for (int l = 0; l < L; l++) {
        W[7 * l + 0] = qmat(C, C, &r);   /* q */
        W[7 * l + 1] = qmat(KVD, C, &r); /* k */
        W[7 * l + 2] = qmat(KVD, C, &r); /* v */
        W[7 * l + 3] = qmat(C, C, &r);   /* o */
        W[7 * l + 4] = qmat(I, C, &r);   /* gate */
        W[7 * l + 5] = qmat(I, C, &r);   /* up */
        W[7 * l + 6] = qmat(C, I, &r);   /* down */
    }
    W[7 * L] = qmat(V, C, &r); /* head */
    for (int i = 0; i < nm; i++) total += bytes_of(&W[i]);
    float *x = malloc(sizeof(float) * I), *out = malloc(sizeof(float) * V), *ws = malloc(sizeof(float) * MM_WS_FLOATS);
    for (int i = 0; i < I; i++) x[i] = xoshiro_uniform(&r) - 0.5f;
    const size_t n = (size_t)32 << 20; /* 128 MiB per array */
    float *a = malloc(4 * n), *b = malloc(4 * n), *c = malloc(4 * n);
    for (size_t i = 0; i < n; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
    printf("backend %s, %d threads; %d layers + head: %.0f MB of 4-bit weights per token\n", sam_backend_name(), par_threads(), L, total / 1e6);
    double best[4] = {0, 0, 0, 0};
    const int prec[3] = {SAM_DECODE_FP32, SAM_DECODE_Q22, SAM_DECODE_Q8};
    for (int k = 0; k < rounds; k++) {
        triad_job tj = {a, b, c, 3.0f};
        double t0 = now();
        par_for((long)n, 1 << 16, par_threads(), triad_body, &tj);
        const double triad = 12.0 * n / (now() - t0) / 1e9;
        double gbs[3], gbc[3];
        for (int p = 0; p < 3; p++) {
            if (sam_backend_set_decode_precision(prec[p])) { gbs[p] = gbc[p] = 0; continue; }
            mm_generation_scope(1); /* the q22 and q8 settings act only inside generation (matmul.h) */
            t0 = now();
            const double c0 = cpu();
            const int reps = 4; /* ~0.2 s per measurement: one pass is too short on a shared machine */
            for (int rep = 0; rep < reps; rep++)
                for (int i = 0; i < nm; i++) mm_linear(out, W[i].rows, x, &W[i], 1, ws, MM_WS_FLOATS);
            mm_generation_scope(0);
            gbs[p] = (double)reps * total / (now() - t0) / 1e9;
            gbc[p] = (double)reps * total / (cpu() - c0) / 1e9;
        }
        printf("round %d: triad %.1f GB/s; mat-vec fp32 %.1f GB/s (%.1f per CPU-s), q22 %.1f GB/s (%.1f per CPU-s), q8 %.1f GB/s (%.1f per CPU-s); load %s",
               k, triad, gbs[0], gbc[0], gbs[1], gbc[1], gbs[2], gbc[2], load());
        if (triad > best[0]) best[0] = triad;
        for (int p = 0; p < 3; p++) if (gbs[p] > best[p + 1]) best[p + 1] = gbs[p];
    }
    /* prefill: 64 tokens through the layers' products (not the head: only the last token needs it),
     * fp32 GEMM (dequantizing packers) against q8 (mm_generation_scope, as the generator runs it) */
    enum { T = 64 };
    float *xp = malloc(sizeof(float) * T * I), *op = malloc(sizeof(float) * (size_t)T * I);
    for (int i = 0; i < T * I; i++) xp[i] = xoshiro_uniform(&r) - 0.5f;
    double flops = 0;
    for (int i = 0; i < 7 * L; i++) flops += 2.0 * T * W[i].rows * W[i].cols;
    for (int k = 0; k < 2; k++)
        for (int p = 0; p < 2; p++) {
            if (sam_backend_set_decode_precision(p ? SAM_DECODE_Q8 : SAM_DECODE_FP32)) continue;
            mm_generation_scope(1);
            const double t0 = now(), c0 = cpu();
            for (int i = 0; i < 7 * L; i++) mm_linear(op, W[i].rows, xp, &W[i], T, ws, MM_WS_FLOATS);
            const double t = now() - t0, c = cpu() - c0;
            mm_generation_scope(0);
            printf("prefill %d tokens, %d layers, %s: %.2f s = %.1f GFLOP/s (%.1f per CPU-s); 28 layers: %.2f s\n", T, L, p ? "q8" : "fp32",
                   t, flops / t / 1e9, flops / c / 1e9, t * 28 / L);
        }
    /* the whole 1.5B model: 28 layers + head read once per token */
    const double per_tok = (double)(total - bytes_of(&W[7 * L])) / L * 28 + bytes_of(&W[7 * L]);
    printf("best: triad %.1f GB/s; fp32 %.1f GB/s (%.0f%% of triad) = %.1f tok/s at 28 layers; q22 %.1f GB/s (%.0f%%) = %.1f tok/s; q8 %.1f GB/s (%.0f%%) = %.1f tok/s\n",
           best[0], best[1], 100 * best[1] / best[0], best[1] * 1e9 / per_tok, best[2], 100 * best[2] / best[0], best[2] * 1e9 / per_tok,
           best[3], 100 * best[3] / best[0], best[3] * 1e9 / per_tok);
    return 0;
}
