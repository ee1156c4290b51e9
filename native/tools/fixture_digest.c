/* fixture_digest.c — bit-exact fingerprint of the library's numerics on the qwen2-tiny fixture and on
 * random kernel inputs: losses printed as hex floats, gradients/logits/kernel outputs as FNV-1a hashes
 * of their bits. Run before and after a refactoring of the kernels: identical output means the default
 * backend's loss and gradients are bit-identical. Usage: fixture_digest TESTDATA_DIR [threads] [blas_library]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "samtrain.h"
#if __has_include("matmul.h") /* after the dispatch layer was introduced */
#include "kernels.h"
#include "matmul.h"
#define DG_SGEMM mm_sgemm
#define DG_SGEMM_WS mm_sgemm_ws
#define DG_WGEMM mm_wgemm
#define DG_QMATVEC kn_qmatvec
#define DG_WS MM_WS_FLOATS
#define DG_SMALL KN_SMALL_M
#else /* the tree before it, for the before/after comparison */
#include "kernels.h"
#define DG_SGEMM kn_sgemm
#define DG_SGEMM_WS kn_sgemm_ws
#define DG_WGEMM kn_wgemm
#define DG_QMATVEC q_matmul_small
#define DG_WS KN_WS_FLOATS
#define DG_SMALL Q_SMALL_M
#endif

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t g_rng = 88172645463325252ull;
static float rnd(void) {
    g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
    return (float)((g_rng >> 40) & 0xFFFFFF) / 16777216.0f - 0.5f;
}

static int die(const char *what) { fprintf(stderr, "%s: %s\n", what, sam_last_error()); return 1; }

static int model_digest(const char *dir, const char *name) {
    char p[1024];
    snprintf(p, sizeof p, "%s/qwen2-tiny/%s", dir, name);
    sam_model *m;
    if (sam_model_open(p, &m)) return die(p);
    sam_lora_config lc = {4, 2.0f, 0.1f, -1, 0x7F};
    sam_lora *l;
    if (sam_lora_create(m, &lc, 7, &l)) return die("lora");
    /* make B non-zero so every gradient path carries signal */
    for (int i = 0; i < sam_lora_num_tensors(l); i++) {
        int32_t r, c;
        sam_lora_tensor_info(l, i, NULL, 0, &r, &c);
        float *v = malloc(sizeof(float) * r * c);
        for (int j = 0; j < r * c; j++) v[j] = 0.05f * rnd();
        sam_lora_write(l, i, v);
        free(v);
    }
    enum { B = 2, T = 24 };
    int32_t tok[B * T], len[B] = {T, T - 5};
    uint8_t mask[B * T];
    for (int i = 0; i < B * T; i++) { tok[i] = (int32_t)((i * 37 + 11) % 320); mask[i] = (i % T) >= 3; }
    double sums[B];
    int64_t nts[B];
    if (sam_eval_loss(m, l, tok, len, mask, B, T, sums, nts)) return die("eval");
    printf("%s eval_loss %a %a\n", name, sums[0], sums[1]);
    for (int ck = 0; ck < 2; ck++) {
        sam_train_config tc = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1.0f, 0, 0, 10, 0.0f, B, T, ck, 42};
        sam_trainer *t;
        if (sam_trainer_create(m, l, &tc, &t)) return die("trainer");
        double mean;
        int64_t n;
        if (sam_train_accumulate(t, tok, len, mask, B, T, &mean, &n)) return die("accumulate");
        uint64_t h = 1469598103934665603ull;
        for (int i = 0; i < sam_lora_num_tensors(l); i++) {
            int32_t r, c;
            sam_lora_tensor_info(l, i, NULL, 0, &r, &c);
            float *g = malloc(sizeof(float) * r * c);
            sam_trainer_read_grad(t, i, g);
            h = fnv(h, g, sizeof(float) * r * c);
            if (i == 0) printf("%s grad0[0..1] %a %a\n", name, g[0], g[1]);
            free(g);
        }
        printf("%s ckpt%d train_loss %a grads %016llx\n", name, ck, mean, (unsigned long long)h);
        sam_trainer_free(t);
    }
    float *lg = malloc(sizeof(float) * T * 320);
    if (sam_forward_logits(m, l, tok, T, lg)) return die("logits");
    printf("%s logits %016llx\n", name, (unsigned long long)fnv(1469598103934665603ull, lg, sizeof(float) * T * 320));
    free(lg);
    sam_gen_config gc = {6, 64, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g;
    if (sam_gen_create(m, l, &gc, &g) || sam_gen_prefill(g, tok, 5)) return die("gen");
    printf("%s greedy", name);
    for (int i = 0, done = 0; i < 6 && !done; i++) {
        int32_t t1, d;
        sam_gen_next(g, &t1, &d);
        done = d;
        printf(" %d", t1);
    }
    printf("\n");
    sam_gen_free(g);
    sam_lora_free(l);
    sam_model_free(m);
    return 0;
}

/* Kernel outputs on random ragged shapes: sgemm (all transposes), workspace GEMM, weight GEMM of
 * 4/8/3-bit and fp16 weights, the decode product. */
static void kernel_digest(void) {
    const int shapes[][3] = {{1, 33, 64}, {5, 70, 96}, {17, 129, 128}, {64, 100, 320}, {130, 47, 512}};
    uint64_t hs = 1469598103934665603ull, hw = hs, hq = hs;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * M * K * 2), *Bm = malloc(sizeof(float) * N * K), *C = malloc(sizeof(float) * M * N);
        float *ws = aligned_alloc(64, sizeof(float) * DG_WS);
        for (int i = 0; i < M * K * 2; i++) A[i] = rnd();
        for (int i = 0; i < N * K; i++) Bm[i] = rnd();
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                for (int i = 0; i < M * N; i++) C[i] = rnd();
                DG_SGEMM(ta, tb, M, N, K, 0.7f, A, ta ? M : K, Bm, tb ? K : N, 0.3f, C, N);
                hs = fnv(hs, C, sizeof(float) * M * N);
                for (int i = 0; i < M * N; i++) C[i] = rnd();
                DG_SGEMM_WS(ta, tb, M, N, K, 1.0f, A, ta ? M : K, Bm, tb ? K : N, 0.5f, C, N, ws, DG_WS);
                hs = fnv(hs, C, sizeof(float) * M * N);
            }
        /* quantized weights: N rows x K cols, group 32 */
        const int bitss[] = {4, 8, 3};
        for (int bi = 0; bi < 3; bi++) {
            const int bits = bitss[bi], G = 32, ng = K / G;
            uint8_t *wq = malloc((size_t)N * K * bits / 8);
            uint16_t *sc = malloc(sizeof(uint16_t) * N * ng), *bs = malloc(sizeof(uint16_t) * N * ng);
            for (size_t i = 0; i < (size_t)N * K * bits / 8; i++) wq[i] = (uint8_t)((rnd() + 0.5f) * 255.0f);
            for (int i = 0; i < N * ng; i++) { sc[i] = f32_to_f16(0.02f + 0.01f * rnd()); bs[i] = f32_to_f16(0.1f * rnd()); }
            wmat W = {WM_Q, N, K, wq, (const uint8_t *)sc, (const uint8_t *)bs, 0, bits, G, NULL, "w"};
            float *C2 = malloc(sizeof(float) * M * K);
            DG_WGEMM(0, 1, M, N, K, 1.0f, A, K, &W, 0.0f, C, N, ws, DG_WS);
            hw = fnv(hw, C, sizeof(float) * M * N);
            DG_WGEMM(0, 0, M, K, N, 1.0f, A, N, &W, 0.0f, C2, K, ws, DG_WS);
            hw = fnv(hw, C2, sizeof(float) * M * K);
            if (M <= DG_SMALL) {
                DG_QMATVEC(C, N, A, &W, M, ws, DG_WS);
                hq = fnv(hq, C, sizeof(float) * M * N);
            }
            free(C2); free(wq); free(sc); free(bs);
        }
        uint16_t *h16 = malloc(sizeof(uint16_t) * N * K);
        for (int i = 0; i < N * K; i++) h16[i] = f32_to_f16(Bm[i]);
        wmat W16 = {WM_F16, N, K, (const uint8_t *)h16, NULL, NULL, 0, 0, 0, NULL, "h"};
        DG_WGEMM(0, 1, M, N, K, 1.0f, A, K, &W16, 0.0f, C, N, ws, DG_WS);
        hw = fnv(hw, C, sizeof(float) * M * N);
        free(h16); free(A); free(Bm); free(C); free(ws);
    }
    printf("kernels sgemm %016llx wgemm %016llx qsmall %016llx\n", (unsigned long long)hs, (unsigned long long)hw,
           (unsigned long long)hq);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: fixture_digest TESTDATA_DIR [threads] [blas_library]\n"); return 2; }
    if (sam_backend_init(argc > 3 ? argv[3] : NULL, argc > 2 ? atoi(argv[2]) : 2)) return die("backend");
    printf("backend %s\n", sam_backend_name());
    if (model_digest(argv[1], "fp32") || model_digest(argv[1], "mlx-4bit-g32")) return 1;
    kernel_digest();
    return 0;
}
