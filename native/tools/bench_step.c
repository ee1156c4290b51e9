/* bench_step.c — one training micro-batch, evaluation and decode speed at Qwen2.5-Coder-1.5B layer
 * shapes (hidden 1536, 12/2 heads, head_dim 128, intermediate 8960, vocab 151936, MLX 4-bit g64,
 * tied quantized embedding) with a reduced number of layers, on random weights written to a
 * temporary directory. Not a test; prints achieved GFLOP/s next to the backend's GEMM rate.
 * usage: bench_step [layers=2] [seq=512] [blas_library|""] [adapted_layers=layers]
 * SAM_BENCH_MODEL=DIR uses an existing model of this shape with `layers` layers (e.g. the 4-bit model
 * bench/train.sh caches in bench/work/models) instead of writing one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "matmul.h"
#include "quant.h"
#include "rng.h"
#include "safetensors.h"
#include "samtrain.h"

enum { C = 1536, H = 12, KV = 2, D = 128, I = 8960, V = 151936, BITS = 4, G = 64 };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
/* process CPU time: with a passive OpenMP wait policy, work done regardless of time-sharing */
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

typedef struct { char name[128]; st_wtensor w; } owned;

static void qmat(owned *o, int *n, const char *base, int rows, int cols, xoshiro256 *r) {
    const size_t wb = (size_t)rows * cols * BITS / 8, sb = (size_t)rows * (cols / G) * 2;
    uint8_t *w = malloc(wb);
    uint16_t *s = malloc(sb), *b = malloc(sb);
    for (size_t i = 0; i < wb; i++) w[i] = (uint8_t)xoshiro_next(r);
    const float sc = 2.0f / sqrtf((float)cols) / 15.0f;
    for (size_t i = 0; i < sb / 2; i++) { s[i] = f32_to_f16(sc); b[i] = f32_to_f16(-7.5f * sc); }
    const char *suf[3] = {"weight", "scales", "biases"};
    void *data[3] = {w, s, b};
    for (int k = 0; k < 3; k++) {
        snprintf(o[*n].name, 128, "%s.%s", base, suf[k]);
        o[*n].w = (st_wtensor){o[*n].name, k ? ST_F16 : ST_U32, 2, {rows, k ? cols / G : cols * BITS / 32}, data[k]};
        (*n)++;
    }
}

static void vec(owned *o, int *n, const char *name, int len, float val) {
    float *d = malloc(sizeof(float) * len);
    for (int i = 0; i < len; i++) d[i] = val;
    snprintf(o[*n].name, 128, "%s", name);
    o[*n].w = (st_wtensor){o[*n].name, ST_F32, 1, {len}, d};
    (*n)++;
}

int main(int argc, char **argv) {
    const int L = argc > 1 ? atoi(argv[1]) : 2, T = argc > 2 ? atoi(argv[2]) : 512;
    const int NA = argc > 4 ? atoi(argv[4]) : L;
    if (sam_backend_init(argc > 3 ? argv[3] : NULL, 0)) { printf("%s\n", sam_last_error()); return 1; }
    char dir[1024] = "/tmp/sam-bench-XXXXXX";
    const char *given = getenv("SAM_BENCH_MODEL");
    char path[1200];
    xoshiro256 r;
    xoshiro_seed(&r, 1);
    if (given && given[0]) {
        snprintf(dir, sizeof dir, "%s", given);
        goto open;
    }
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"model_type\":\"qwen2\",\"hidden_size\":%d,\"num_hidden_layers\":%d,\"num_attention_heads\":%d,\"num_key_value_heads\":%d,"
               "\"intermediate_size\":%d,\"vocab_size\":%d,\"rope_theta\":1000000.0,\"rms_norm_eps\":1e-06,\"tie_word_embeddings\":true,"
               "\"quantization\":{\"group_size\":%d,\"bits\":%d}}", C, L, H, KV, I, V, G, BITS);
    fclose(f);
    owned *o = calloc(26 * (size_t)L + 8, sizeof *o); /* 21 quantized parts + 5 vectors per layer */
    int n = 0;
    qmat(o, &n, "model.embed_tokens", V, C, &r);
    vec(o, &n, "model.norm.weight", C, 1.0f);
    static const char *mods[7] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
    const int outd[7] = {H * D, KV * D, KV * D, C, I, I, C}, ind[7] = {C, C, C, H * D, C, C, I};
    for (int l = 0; l < L; l++) {
        char base[128];
        for (int m = 0; m < 7; m++) { snprintf(base, sizeof base, "model.layers.%d.%s", l, mods[m]); qmat(o, &n, base, outd[m], ind[m], &r); }
        snprintf(base, sizeof base, "model.layers.%d.self_attn.q_proj.bias", l); vec(o, &n, base, H * D, 0.0f);
        snprintf(base, sizeof base, "model.layers.%d.self_attn.k_proj.bias", l); vec(o, &n, base, KV * D, 0.0f);
        snprintf(base, sizeof base, "model.layers.%d.self_attn.v_proj.bias", l); vec(o, &n, base, KV * D, 0.0f);
        snprintf(base, sizeof base, "model.layers.%d.input_layernorm.weight", l); vec(o, &n, base, C, 1.0f);
        snprintf(base, sizeof base, "model.layers.%d.post_attention_layernorm.weight", l); vec(o, &n, base, C, 1.0f);
    }
    st_wtensor *w = malloc(sizeof *w * n);
    for (int i = 0; i < n; i++) w[i] = o[i].w;
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (st_write_atomic(path, w, n, NULL, 0)) { printf("%s\n", sam_last_error()); return 1; }
    for (int i = 0; i < n; i++) free((void *)o[i].w.data);
    free(o);
    free(w);

open:;
    sam_model *m;
    sam_lora *lo;
    sam_trainer *t;
    if (sam_model_open(dir, &m)) { printf("%s\n", sam_last_error()); return 1; }
    sam_lora_config lc = {4, 2.0f, 0.0f, NA, 15};
    sam_lora_create(m, &lc, 1, &lo);
    sam_train_config tc = {1e-4f, 0.9f, 0.999f, 1e-8f, 0, 1, 0, 0, 0, 0, 1, T, 1, 1};
    if (sam_trainer_create(m, lo, &tc, &t)) { printf("%s\n", sam_last_error()); return 1; }
    int32_t *tok = malloc(sizeof(int32_t) * T), len = T;
    uint8_t *mask = malloc(T);
    for (int i = 0; i < T; i++) { tok[i] = (int32_t)(xoshiro_next(&r) % V); mask[i] = i >= T / 4; }
    const int scored = T - T / 4;
    /* GEMM rate of the backend at a representative shape */
    float *A = malloc(sizeof(float) * T * C), *B = malloc(sizeof(float) * 2048 * C), *Cm = malloc(sizeof(float) * T * 2048);
    for (int i = 0; i < T * C; i++) A[i] = 0.01f;
    for (int i = 0; i < 2048 * C; i++) B[i] = 0.01f;
    mm_sgemm(MM_N, MM_T, T, 2048, C, 1.0f, A, C, B, C, 0.0f, Cm, 2048); /* warm-up */
    double gemm = 0, t0;
    for (int k = 0; k < 3; k++) { /* best of 3 */
        t0 = now();
        mm_sgemm(MM_N, MM_T, T, 2048, C, 1.0f, A, C, B, C, 0.0f, Cm, 2048);
        const double r = 2.0 * T * 2048 * C / (now() - t0) / 1e9;
        gemm = r > gemm ? r : gemm;
    }
    double loss;
    int64_t nt;
    sam_step_stats st;
    t0 = now();
    double c0 = cpu();
    if (sam_train_accumulate(t, tok, &len, mask, 1, T, &loss, &nt)) { printf("%s\n", sam_last_error()); return 1; }
    sam_train_apply(t, &st);
    const double step = now() - t0, stepc = cpu() - c0;
    const double lin = 2.0 * T * ((double)C * H * D + 2.0 * C * KV * D + (double)H * D * C + 3.0 * C * I);
    const double att = 2.0 * 2.0 * T * T * D * H;
    const double head = 2.0 * scored * (double)V * C;
    /* forward + recompute + input-grad backward through the frozen weights (LoRA flops negligible) */
    /* frozen layers: forward; adapted: forward + recompute + input-grad backward (2 GEMMs of
     * attention forward, 4 backward); the lowest adapted layer skips its q/k/v input grads */
    const double qkv = 2.0 * T * ((double)C * H * D + 2.0 * C * KV * D);
    const double flops = (L - NA) * (lin + att) + NA * (3 * lin + 4 * att) - qkv + 2 * head;
    printf("backend: %s\n", sam_backend_name());
    printf("GEMM %dx2048x%d: %.1f GFLOP/s\n", T, C, gemm);
    printf("train micro-batch (L=%d, %d adapted, T=%d, grad_checkpoint, 4-bit): %.2f s, ~%.0f GFLOP -> %.1f GFLOP/s (%.0f%% of GEMM), loss %.3f\n",
           L, NA, T, step, flops / 1e9, flops / step / 1e9, 100 * flops / step / 1e9 / gemm, loss);
    printf("  CPU time %.2f s: %.1f GFLOP per CPU-second\n", stepc, flops / stepc / 1e9);
    double s;
    t0 = now();
    c0 = cpu();
    sam_eval_loss(m, lo, tok, &len, mask, 1, T, &s, &nt);
    const double ev = now() - t0, evf = L * (lin + att) + head, evc = cpu() - c0;
    printf("eval (T=%d): %.2f s -> %.1f GFLOP/s; CPU %.2f s, %.1f GFLOP per CPU-second\n", T, ev, evf / ev / 1e9, evc, evf / evc / 1e9);
    sam_gen_config gc = {16, T + 16, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g;
    sam_gen_create(m, lo, &gc, &g);
    t0 = now();
    sam_gen_prefill(g, tok, T);
    const double pf = now() - t0;
    int32_t tk, done;
    t0 = now();
    c0 = cpu();
    int k = 0;
    for (; k < 16; k++) sam_gen_next(g, &tk, &done);
    printf("prefill %d tokens: %.2f s; decode: %.1f ms/token (CPU %.1f ms/token)\n", T, pf, 1e3 * (now() - t0) / k, 1e3 * (cpu() - c0) / k);
    sam_gen_free(g);
    FILE *st_f = fopen("/proc/self/status", "r");
    char line[256];
    while (st_f && fgets(line, sizeof line, st_f))
        if (strncmp(line, "VmHWM", 5) == 0) printf("peak RSS %s", line + 6);
    if (st_f) fclose(st_f);
    sam_trainer_free(t);
    sam_lora_free(lo);
    sam_model_free(m);
    if (getenv("SAM_BENCH_KEEP") || (given && given[0])) { printf("model kept in %s\n", dir); return 0; }
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path)) return 1;
    free(A); free(B); free(Cm); free(tok); free(mask);
    return 0;
}
