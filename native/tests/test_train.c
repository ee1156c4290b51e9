/* test_train.c — training and generation behaviour.
 *  no_alloc        sam_train_accumulate/apply/read_grad make no heap allocation (malloc family
 *                  wrapped at link time for the library objects), both checkpoint modes.
 *  ckpt_identical  grad_checkpoint on/off: identical loss and bitwise identical gradients (with
 *                  dropout and a padded batch), fp32 and 4-bit.
 *  overfit         a tiny batch is learned: loss falls below 0.1 (model with final norm x4, see there).
 *  resume          10 steps == 5 steps, checkpoint, new adapter + trainer, load, 5 steps (bitwise).
 *  quant_vs_fp32   the 4-bit model and its fp32 dequantized copy (written here with
 *                  sam_model_weight_rows + the safetensors writer) give the same loss (1e-4) and grads.
 *  accumulation    grads of two micro-batches are the mean of their single-batch grads.
 *  adamw           one AdamW step matches the formula; clipping scales the first moment; the
 *                  reported grad norm is the norm of the averaged gradient.
 *  schedule        warm-up + cosine learning rates.
 *  dropout         masks vary per micro-batch, are reproducible from the seed, inference unaffected.
 *  lora_init       A ~ U(-1/sqrt(in), 1/sqrt(in)) from the seed, B = 0.
 *  lora_io         save/load round trip is bitwise, the file holds only lora_a/lora_b F32 tensors.
 *  passes          memory plan: 1, some and all rows per pass give the same losses and gradients
 *                  (supervised, weighted, DPO), no allocation; AUTO keeps activations when they fit.
 *  generation      stop ids, max_new_tokens, seeded sampling, top-p -> greedy limit, restart,
 *                  four concurrent generators on one model equal the sequential results. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "test_util.h"

/* ---- allocation counting (GNU ld/lld link option --wrap; Apple's ld64 has none, SAM_NO_ALLOC_COUNT) ---- */
static volatile int g_counting, g_allocs;
#ifdef SAM_NO_ALLOC_COUNT
#define ALLOC_COUNTING 0
#else
#define ALLOC_COUNTING 1
void *__real_malloc(size_t n);
void *__real_calloc(size_t c, size_t n);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__wrap_malloc(size_t n) { if (g_counting) __sync_fetch_and_add(&g_allocs, 1); return __real_malloc(n); }
void *__wrap_calloc(size_t c, size_t n) { if (g_counting) __sync_fetch_and_add(&g_allocs, 1); return __real_calloc(c, n); }
void *__wrap_realloc(void *p, size_t n) { if (g_counting) __sync_fetch_and_add(&g_allocs, 1); return __real_realloc(p, n); }
int __wrap_posix_memalign(void **p, size_t a, size_t n) { if (g_counting) __sync_fetch_and_add(&g_allocs, 1); return __real_posix_memalign(p, a, n); }
#endif

static tu_expected E;

/* Batch of two rows (second padded) built from the fixture ids. */
typedef struct { int32_t tok[2 * 24], len[2]; uint8_t mask[2 * 24]; int B, T; } batch;
static batch make_batch_T(int shift, int T) {
    batch b = {.B = 2, .T = T};
    b.len[0] = T;
    b.len[1] = T - 7;
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < T; i++) {
            b.tok[r * T + i] = i < b.len[r] ? E.ids[(i + shift + 5 * r) % E.n] : -7;
            b.mask[r * T + i] = i >= 3;
        }
    return b;
}
static batch make_batch(int shift) { return make_batch_T(shift, 24); }

static float *read_all(const sam_lora *l, size_t *n) {
    const int nt = sam_lora_num_tensors(l);
    size_t tot = 0;
    for (int i = 0; i < nt; i++) { int32_t r, c; sam_lora_tensor_info(l, i, NULL, 0, &r, &c); tot += (size_t)r * c; }
    float *buf = malloc(tot * sizeof(float)), *p = buf;
    for (int i = 0; i < nt; i++) { int32_t r, c; sam_lora_tensor_info(l, i, NULL, 0, &r, &c); sam_lora_read(l, i, p); p += (size_t)r * c; }
    *n = tot;
    return buf;
}

static float *read_grads(const sam_trainer *t, const sam_lora *l, size_t *n) {
    const int nt = sam_lora_num_tensors(l);
    size_t tot = 0;
    for (int i = 0; i < nt; i++) { int32_t r, c; sam_lora_tensor_info(l, i, NULL, 0, &r, &c); tot += (size_t)r * c; }
    float *buf = malloc(tot * sizeof(float)), *p = buf;
    for (int i = 0; i < nt; i++) { int32_t r, c; sam_lora_tensor_info(l, i, NULL, 0, &r, &c); if (sam_trainer_read_grad(t, i, p)) printf("%s\n", sam_last_error()); p += (size_t)r * c; }
    *n = tot;
    return buf;
}

/* Makes every lora_b non-zero so every tensor gets gradient. */
static void randomize_b(sam_lora *l, uint64_t seed) {
    xoshiro256 r;
    xoshiro_seed(&r, seed);
    for (int i = 1; i < sam_lora_num_tensors(l); i += 2) {
        int32_t rows, cols;
        sam_lora_tensor_info(l, i, NULL, 0, &rows, &cols);
        float *b = malloc(sizeof(float) * rows * cols);
        for (int j = 0; j < rows * cols; j++) b[j] = (xoshiro_uniform(&r) - 0.5f) * 0.1f;
        sam_lora_write(l, i, b);
        free(b);
    }
}

static void test_no_alloc(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.1f, 2, 127};
    for (int ck = 0; ck < 2; ck++) {
        sam_lora *l = NULL;
        sam_trainer *t = NULL;
        CHECK_OK(sam_lora_create(m, &lc, 1, &l));
        sam_train_config tc = tu_train_cfg(2, 24, ck);
        CHECK_OK(sam_trainer_create(m, l, &tc, &t));
        batch b = make_batch(0), b20 = make_batch_T(1, 20);
        double loss;
        int64_t n;
        sam_step_stats st;
        float g[64 * 4];
        CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, b.B, b.T, &loss, &n)); /* warm-up (lazy tables) */
        CHECK_OK(sam_train_apply(t, &st));
        g_allocs = 0;
        g_counting = 1;
        for (int s = 0; s < 2; s++) {
            CHECK_OK(sam_train_accumulate(t, b20.tok, b20.len, b20.mask, b20.B, b20.T, &loss, &n));
            CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, 1, b.T, &loss, &n));
            CHECK_OK(sam_trainer_read_grad(t, 0, g));
            CHECK_OK(sam_train_apply(t, &st));
        }
        g_counting = 0;
        if (ALLOC_COUNTING) CHECK(g_allocs == 0, "grad_checkpoint=%d: %d heap allocations in the step loop", ck, g_allocs);
        else if (ck == 0) printf("test_train: heap allocations in the step loop not counted (no --wrap in this linker)\n");
        sam_trainer_free(t);
        sam_lora_free(l);
    }
}

static void test_ckpt_identical(sam_model *m, const char *what) {
    sam_lora_config lc = {4, 2.0f, 0.2f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 3, &l));
    randomize_b(l, 4);
    float *g[2];
    double loss[2];
    size_t n = 0;
    batch b = make_batch(1);
    for (int ck = 0; ck < 2; ck++) {
        sam_train_config tc = tu_train_cfg(2, 24, ck);
        sam_trainer *t = NULL;
        CHECK_OK(sam_trainer_create(m, l, &tc, &t));
        int64_t nt;
        CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, b.B, b.T, &loss[ck], &nt));
        g[ck] = read_grads(t, l, &n);
        sam_trainer_free(t);
    }
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++) nonzero += g[0][i] != 0.0f;
    CHECK(loss[0] == loss[1], "%s: loss differs with grad_checkpoint: %.17g vs %.17g", what, loss[0], loss[1]);
    CHECK(memcmp(g[0], g[1], n * sizeof(float)) == 0, "%s: gradients differ between grad_checkpoint 0 and 1", what);
    CHECK(nonzero > n * 9 / 10, "%s: only %zu of %zu gradient entries are non-zero", what, nonzero, n);
    free(g[0]);
    free(g[1]);
    sam_lora_free(l);
}

/* The fixture model cannot reach a low loss by LoRA alone: its final RMSNorm output has unit RMS and
 * the tied embeddings have std 0.1, which bounds the logit gaps (best achievable cross-entropy per
 * token 0.3-0.6, found by direct optimisation of the final hidden state). The overfit test therefore
 * uses a copy whose frozen model.norm.weight is scaled by 4; everything else is the fixture. */
static float g_norm8[64];
static int scale_norm(const st_tensor *t, void *ctx, st_wtensor *rep) {
    if (strcmp(t->name, "model.norm.weight") != 0) return 0;
    memcpy(g_norm8, t->data, sizeof g_norm8);
    for (int i = 0; i < 64; i++) g_norm8[i] *= 4.0f;
    rep->data = g_norm8;
    return 2;
}

static void test_overfit(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/config.json", dir);
    CHECK(tu_copy_file(tu_fixture("fp32/config.json"), path) == 0, "copy config");
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    CHECK(tu_rewrite_safetensors(tu_fixture("fp32/model.safetensors"), path, scale_norm, NULL) == 0, "write model copy");
    sam_model *m = NULL;
    CHECK_OK(sam_model_open(dir, &m));
    sam_lora_config lc = {8, 2.0f, 0.0f, -1, 127};
    sam_lora *l = NULL;
    sam_trainer *t = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 11, &l));
    sam_train_config tc = tu_train_cfg(2, 24, 1);
    tc.learning_rate = 1e-2f;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    batch b = make_batch(2);
    double loss = 99, first = 0;
    int step;
    for (step = 0; step < 300 && loss >= 0.1 && t; step++) {
        int64_t n;
        sam_step_stats st;
        CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, b.B, b.T, &loss, &n));
        if (step == 0) first = loss;
        CHECK_OK(sam_train_apply(t, &st));
    }
    double s[2], ev;
    int64_t ns[2];
    CHECK_OK(sam_eval_loss(m, l, b.tok, b.len, b.mask, 2, b.T, s, ns)); /* independent path, after the last update */
    ev = (s[0] + s[1]) / (double)(ns[0] + ns[1]);
    printf("  overfit: loss %.4f -> %.4f in %d steps (eval after: %.4f)\n", first, loss, step, ev);
    CHECK(loss < 0.1 && ev < 0.1, "overfitting a tiny batch failed: loss %.4f after %d steps, eval %.4f", loss, step, ev);
    sam_trainer_free(t);
    sam_lora_free(l);
    sam_model_free(m);
}

static sam_train_config resume_cfg(int ckpt) {
    sam_train_config tc = tu_train_cfg(2, 24, ckpt);
    tc.lr_schedule = SAM_LR_COSINE;
    tc.warmup_steps = 2;
    tc.total_steps = 10;
    tc.min_lr = 1e-5f;
    tc.weight_decay = 0.01f;
    tc.grad_clip = 0.5f;
    tc.learning_rate = 5e-3f;
    return tc;
}

static void run_steps(sam_trainer *t, int s0, int s1, double *losses) {
    for (int s = s0; s < s1; s++) {
        double l1, l2;
        int64_t n;
        batch b1 = make_batch(s), b2 = make_batch(s + 7);
        CHECK_OK(sam_train_accumulate(t, b1.tok, b1.len, b1.mask, b1.B, b1.T, &l1, &n));
        CHECK_OK(sam_train_accumulate(t, b2.tok, b2.len, b2.mask, 1, b2.T, &l2, &n));
        sam_step_stats st;
        CHECK_OK(sam_train_apply(t, &st));
        losses[s] = l1 + l2;
    }
}

static void test_resume(sam_model *m, const char *dir) {
    sam_lora_config lc = {4, 2.0f, 0.1f, 2, 127};
    double la[10], lb[10];
    sam_lora *a = NULL, *b = NULL, *c = NULL;
    sam_trainer *ta = NULL, *tb = NULL, *tc2 = NULL;
    sam_train_config cfg = resume_cfg(1);
    CHECK_OK(sam_lora_create(m, &lc, 5, &a));
    CHECK_OK(sam_trainer_create(m, a, &cfg, &ta));
    run_steps(ta, 0, 10, la);
    CHECK_OK(sam_lora_create(m, &lc, 5, &b));
    CHECK_OK(sam_trainer_create(m, b, &cfg, &tb));
    run_steps(tb, 0, 5, lb);
    char path[4096];
    snprintf(path, sizeof path, "%s/0000005_checkpoint.safetensors", dir);
    CHECK_OK(sam_checkpoint_save(tb, path));
    sam_trainer_free(tb);
    sam_lora_free(b);
    /* a new process would start from scratch: other seed, other activation mode, other max sizes */
    CHECK_OK(sam_lora_create(m, &lc, 77, &c));
    sam_train_config cfg2 = resume_cfg(0);
    cfg2.max_batch = 3;
    cfg2.max_seq_len = 30;
    CHECK_OK(sam_trainer_create(m, c, &cfg2, &tc2));
    CHECK_OK(sam_checkpoint_load(tc2, path));
    CHECK(sam_trainer_step(tc2) == 5, "step after load %lld", (long long)sam_trainer_step(tc2));
    run_steps(tc2, 5, 10, lb);
    size_t na, nc;
    float *wa = read_all(a, &na), *wc = read_all(c, &nc);
    CHECK(na == nc && memcmp(wa, wc, na * sizeof(float)) == 0, "resumed adapters differ from the uninterrupted run");
    CHECK(memcmp(la + 5, lb + 5, 5 * sizeof(double)) == 0, "resumed losses differ: %.17g vs %.17g", la[9], lb[9]);
    CHECK(sam_trainer_step(ta) == 10 && sam_trainer_step(tc2) == 10, "step counters");
    int differs = 0;
    for (size_t i = 0; i < na; i++) differs |= wa[i] != 0.0f;
    CHECK(differs, "adapters are all zero");
    free(wa);
    free(wc);
    sam_trainer_free(ta);
    sam_trainer_free(tc2);
    sam_lora_free(a);
    sam_lora_free(c);
}

/* Writes dir/config.json + dir/model.safetensors: the fp32 dequantization of q. */
static int write_fp32_copy(sam_model *q, const char *dir) {
    sam_model_info in;
    sam_model_get_info(q, &in);
    char path[4096], cfg[2048];
    snprintf(cfg, sizeof cfg,
             "{\"model_type\": \"qwen2\", \"hidden_size\": %d, \"num_hidden_layers\": %d, \"num_attention_heads\": %d,"
             " \"num_key_value_heads\": %d, \"intermediate_size\": %d, \"vocab_size\": %d, \"rope_theta\": %.9g,"
             " \"rms_norm_eps\": %.9g, \"tie_word_embeddings\": %s}",
             in.hidden_size, in.num_layers, in.num_heads, in.num_kv_heads, in.intermediate_size, in.vocab_size,
             in.rope_theta, in.rms_norm_eps, in.tie_word_embeddings ? "true" : "false");
    snprintf(path, sizeof path, "%s/config.json", dir);
    if (tu_write_file(path, cfg, strlen(cfg))) return -1;
    static const char *per[] = {"self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
                                "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight", "self_attn.q_proj.bias",
                                "self_attn.k_proj.bias", "self_attn.v_proj.bias", "input_layernorm.weight", "post_attention_layernorm.weight"};
    const int n = 2 + 12 * in.num_layers;
    st_wtensor *w = calloc((size_t)n, sizeof *w);
    char (*names)[128] = calloc((size_t)n, sizeof *names);
    for (int i = 0; i < n; i++) {
        if (i == 0) snprintf(names[i], 128, "model.embed_tokens.weight");
        else if (i == 1) snprintf(names[i], 128, "model.norm.weight");
        else snprintf(names[i], 128, "model.layers.%d.%s", (i - 2) / 12, per[(i - 2) % 12]);
        int32_t r, c;
        if (sam_model_weight_info(q, names[i], &r, &c)) { printf("%s\n", sam_last_error()); return -1; }
        float *d = malloc(sizeof(float) * r * c);
        CHECK_OK(sam_model_weight_rows(q, names[i], 0, r, d));
        w[i] = (st_wtensor){names[i], ST_F32, strstr(names[i], "norm") || strstr(names[i], "bias") ? 1 : 2, {0}, d};
        if (w[i].ndim == 1) w[i].shape[0] = c;
        else { w[i].shape[0] = r; w[i].shape[1] = c; }
    }
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    int rc = st_write_atomic(path, w, n, NULL, 0);
    for (int i = 0; i < n; i++) free((void *)w[i].data);
    free(w);
    free(names);
    return rc;
}

static void test_quant_vs_fp32(sam_model *q, const char *dir) {
    CHECK(write_fp32_copy(q, dir) == 0, "writing the fp32 copy failed");
    sam_model *f = NULL;
    CHECK_OK(sam_model_open(dir, &f));
    if (!f) return;
    sam_model_info fi;
    sam_model_get_info(f, &fi);
    CHECK(fi.weight_dtype == SAM_F32, "copy is not fp32");
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_load(q, &lc, tu_fixture("adapters/adapters.safetensors"), &l));
    batch b = make_batch(3);
    double sq[2], sf[2], lq, lf;
    int64_t nq[2], nf[2], n;
    CHECK_OK(sam_eval_loss(q, l, b.tok, b.len, b.mask, 2, b.T, sq, nq));
    CHECK_OK(sam_eval_loss(f, l, b.tok, b.len, b.mask, 2, b.T, sf, nf));
    for (int r = 0; r < 2; r++)
        CHECK(nq[r] == nf[r] && tu_rel(sf[r], sq[r]) < 1e-4, "row %d: 4-bit %.9f vs fp32 copy %.9f", r, sq[r], sf[r]);
    printf("  4-bit vs fp32 copy: eval loss rel diff %.2e\n", tu_rel(sf[0], sq[0]));
    sam_train_config tc = tu_train_cfg(2, 24, 1);
    sam_trainer *tq = NULL, *tf = NULL;
    CHECK_OK(sam_trainer_create(q, l, &tc, &tq));
    CHECK_OK(sam_trainer_create(f, l, &tc, &tf));
    CHECK_OK(sam_train_accumulate(tq, b.tok, b.len, b.mask, b.B, b.T, &lq, &n));
    CHECK_OK(sam_train_accumulate(tf, b.tok, b.len, b.mask, b.B, b.T, &lf, &n));
    CHECK(tu_rel(lf, lq) < 1e-4, "train loss 4-bit %.9f vs fp32 copy %.9f", lq, lf);
    size_t ng;
    float *gq = read_grads(tq, l, &ng), *gf = read_grads(tf, l, &ng);
    double mx = 0, err = 0;
    for (size_t i = 0; i < ng; i++) { mx = fmax(mx, fabs(gq[i])); err = fmax(err, fabs(gq[i] - gf[i])); }
    CHECK(err <= 1e-4 * mx, "gradients 4-bit vs fp32 copy: max diff %.3e (scale %.3e)", err, mx);
    free(gq);
    free(gf);
    sam_trainer_free(tq);
    sam_trainer_free(tf);
    sam_lora_free(l);
    sam_model_free(f);
}

/* bf16 compute (sam_backend_set_precision) trains the same thing: loss within 1e-2 relative and every
 * LoRA gradient within 5e-2 of its scale of the fp32 result (the fixture's adapters, all modules, 4-bit
 * base); the step loop still allocates nothing. Skipped on CPUs without AVX512-BF16. */
static void test_bf16_training(sam_model *q) {
    sam_backend_init(NULL, 0);
    if (sam_backend_set_precision(SAM_PRECISION_BF16) != SAM_OK) {
        printf("test_bf16_training: skipped (%s)\n", sam_last_error());
        return;
    }
    sam_backend_set_precision(SAM_PRECISION_FP32);
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_load(q, &lc, tu_fixture("adapters/adapters.safetensors"), &l));
    batch b = make_batch(3);
    sam_train_config tc = tu_train_cfg(2, 24, 1);
    double loss[2];
    int64_t n;
    float *g[2];
    size_t ng = 0;
    for (int p = 0; p < 2; p++) {
        CHECK_OK(sam_backend_set_precision(p ? SAM_PRECISION_BF16 : SAM_PRECISION_FP32));
        sam_trainer *t = NULL;
        CHECK_OK(sam_trainer_create(q, l, &tc, &t));
        g_allocs = 0;
        g_counting = 1;
        const int rc = sam_train_accumulate(t, b.tok, b.len, b.mask, b.B, b.T, &loss[p], &n);
        g_counting = 0;
        CHECK_OK(rc);
        if (ALLOC_COUNTING) CHECK(g_allocs == 0, "bf16 %d: the step allocated %d times", p, g_allocs);
        g[p] = read_grads(t, l, &ng);
        sam_trainer_free(t);
    }
    sam_backend_set_precision(SAM_PRECISION_FP32);
    CHECK(tu_rel(loss[1], loss[0]) < 1e-2, "bf16 loss %.6f vs fp32 %.6f", loss[1], loss[0]);
    double mx = 0, err = 0;
    for (size_t i = 0; i < ng; i++) { mx = fmax(mx, fabs(g[0][i])); err = fmax(err, fabs(g[1][i] - g[0][i])); }
    CHECK(mx > 0 && err <= 5e-2 * mx, "bf16 gradients: max diff %.3e (scale %.3e)", err, mx);
    printf("  bf16 vs fp32: loss rel diff %.2e, gradient max diff %.2e of scale\n", tu_rel(loss[1], loss[0]), err / mx);
    free(g[0]);
    free(g[1]);
    sam_lora_free(l);
}

static void test_accumulation(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.0f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 8, &l));
    randomize_b(l, 9);
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    batch b1 = make_batch(4), b2 = make_batch(9);
    float *g[3];
    size_t n;
    for (int k = 0; k < 3; k++) {
        sam_trainer *t = NULL;
        CHECK_OK(sam_trainer_create(m, l, &tc, &t));
        double loss;
        int64_t nt;
        if (k != 1) CHECK_OK(sam_train_accumulate(t, b1.tok, b1.len, b1.mask, b1.B, b1.T, &loss, &nt));
        if (k != 0) CHECK_OK(sam_train_accumulate(t, b2.tok, b2.len, b2.mask, b2.B, b2.T, &loss, &nt));
        g[k] = read_grads(t, l, &n);
        sam_trainer_free(t);
    }
    double mx = 0, err = 0;
    for (size_t i = 0; i < n; i++) {
        mx = fmax(mx, fabs(g[2][i]));
        err = fmax(err, fabs(g[2][i] - 0.5 * ((double)g[0][i] + g[1][i])));
    }
    CHECK(err <= 1e-6 * mx, "accumulated gradient is not the mean of the micro-batch gradients (err %.3e, scale %.3e)", err, mx);
    for (int k = 0; k < 3; k++) free(g[k]);
    sam_lora_free(l);
}

static void test_adamw(sam_model *m, const char *dir) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_load(m, &lc, tu_fixture("adapters/adapters.safetensors"), &l));
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    tc.learning_rate = 1e-2f;
    tc.weight_decay = 0.1f;
    tc.grad_clip = 0.0f;
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    batch b = make_batch(5);
    double loss;
    int64_t nt;
    size_t n;
    sam_step_stats st;
    CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, b.B, b.T, &loss, &nt));
    float *p0 = read_all(l, &n), *g1 = read_grads(t, l, &n);
    CHECK_OK(sam_train_apply(t, &st));
    float *p1 = read_all(l, &n);
    double err = 0, gn = 0;
    for (size_t i = 0; i < n; i++) {
        /* step 1: m_hat = g, v_hat = g^2 -> p' = p (1 - lr wd) - lr g / (|g| + eps) */
        double want = p0[i] * (1.0 - 1e-2 * 0.1) - 1e-2 * g1[i] / (fabs(g1[i]) + 1e-8);
        err = fmax(err, fabs(p1[i] - want));
        gn += (double)g1[i] * g1[i];
    }
    CHECK(err < 1e-6, "AdamW step 1 differs from the formula by %.3e", err);
    CHECK(tu_rel(st.grad_norm, sqrt(gn)) < 1e-5 && st.step == 1 && st.micro_batches == 1, "stats: norm %.6g vs %.6g, step %lld",
          st.grad_norm, sqrt(gn), (long long)st.step);
    /* step 2 with clipping at half the norm: the first moment sees g * clip / norm */
    sam_trainer_free(t);
    tc.grad_clip = 0.5f * (float)sqrt(gn);
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    b = make_batch(6);
    CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, 1, b.T, &loss, &nt));
    float *g2 = read_grads(t, l, &n);
    CHECK_OK(sam_train_apply(t, &st));
    double n2 = 0;
    for (size_t i = 0; i < n; i++) n2 += (double)g2[i] * g2[i];
    n2 = sqrt(n2);
    char path[4096];
    snprintf(path, sizeof path, "%s/adamw.safetensors", dir);
    CHECK_OK(sam_checkpoint_save(t, path));
    st_file f;
    CHECK_OK(st_open(&f, path));
    double merr = 0, mx = 0;
    size_t off = 0;
    for (int i = 0; i < sam_lora_num_tensors(l); i++) {
        char name[128], mname[160];
        int32_t r, c;
        sam_lora_tensor_info(l, i, name, sizeof name, &r, &c);
        snprintf(mname, sizeof mname, "optimizer.m.%s", name);
        const st_tensor *mt = st_find(&f, mname);
        CHECK(mt != NULL, "checkpoint lacks %s", mname);
        if (!mt) break;
        const float *mv = (const float *)(const void *)mt->data;
        for (int j = 0; j < r * c; j++) {
            double want = (1 - 0.9) * (double)g2[off + j] * (tc.grad_clip / n2);
            merr = fmax(merr, fabs(mv[j] - want));
            mx = fmax(mx, fabs(want));
        }
        off += (size_t)r * c;
    }
    CHECK(n2 > tc.grad_clip && merr <= 1e-6 * mx, "clipped first moment off by %.3e (scale %.3e)", merr, mx);
    CHECK(strcmp(st_meta(&f, "step"), "1") == 0 && strcmp(st_meta(&f, "format"), "samtrain-checkpoint") == 0, "checkpoint metadata");
    st_close(&f);
    free(p0); free(p1); free(g1); free(g2);
    sam_trainer_free(t);
    sam_lora_free(l);
}

static void test_schedule(sam_model *m) {
    sam_lora_config lc = {2, 1.0f, 0.0f, 1, SAM_TARGET_V};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 1, &l));
    sam_train_config tc = tu_train_cfg(1, 24, 0);
    tc.lr_schedule = SAM_LR_COSINE;
    tc.warmup_steps = 3;
    tc.total_steps = 11;
    tc.min_lr = 1e-4f;
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    batch b = make_batch(0);
    for (int s = 0; s < 13; s++) {
        double loss;
        int64_t n;
        sam_step_stats st;
        CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, 1, b.T, &loss, &n));
        CHECK_OK(sam_train_apply(t, &st));
        double want = s < 3 ? 1e-3 * (s + 1) / 3.0 : 1e-4 + 0.5 * (1e-3 - 1e-4) * (1 + cos(M_PI * fmin(1.0, (s - 3) / 8.0)));
        CHECK(tu_rel(st.learning_rate, want) < 1e-5, "step %d: lr %.6g, want %.6g", s, st.learning_rate, want);
    }
    sam_trainer_free(t);
    sam_lora_free(l);
}

static void test_dropout(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.3f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 2, &l));
    randomize_b(l, 3);
    batch b = make_batch(0);
    double la, lb, lc1, e0;
    int64_t n;
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    sam_trainer *t1 = NULL, *t2 = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t1));
    CHECK_OK(sam_trainer_create(m, l, &tc, &t2));
    CHECK_OK(sam_train_accumulate(t1, b.tok, b.len, b.mask, b.B, b.T, &la, &n));
    CHECK_OK(sam_train_accumulate(t1, b.tok, b.len, b.mask, b.B, b.T, &lb, &n));
    CHECK_OK(sam_train_accumulate(t2, b.tok, b.len, b.mask, b.B, b.T, &lc1, &n));
    double s[2];
    int64_t ns[2];
    CHECK_OK(sam_eval_loss(m, l, b.tok, b.len, b.mask, 2, b.T, s, ns));
    e0 = (s[0] + s[1]) / (double)(ns[0] + ns[1]);
    CHECK(la != lb, "dropout mask did not change between micro-batches");
    CHECK(la == lc1, "dropout is not reproducible from the seed");
    CHECK(la != e0 && fabs(la - e0) < 0.5, "train loss with dropout %.6f vs eval %.6f", la, e0);
    sam_trainer_free(t1);
    sam_trainer_free(t2);
    sam_lora_free(l);
}

static void test_lora_init(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.0f, 2, 127};
    sam_lora *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 21, &a));
    CHECK_OK(sam_lora_create(m, &lc, 21, &b));
    CHECK_OK(sam_lora_create(m, &lc, 22, &c));
    size_t n;
    float *wa = read_all(a, &n), *wb = read_all(b, &n), *wc = read_all(c, &n);
    CHECK(memcmp(wa, wb, n * sizeof(float)) == 0 && memcmp(wa, wc, n * sizeof(float)) != 0, "LoRA init is not a function of the seed");
    free(wa); free(wb); free(wc);
    for (int i = 0; i < sam_lora_num_tensors(a); i++) {
        char name[128];
        int32_t r, cc;
        sam_lora_tensor_info(a, i, name, sizeof name, &r, &cc);
        float *w = malloc(sizeof(float) * r * cc);
        sam_lora_read(a, i, w);
        double mx = 0, mean = 0;
        for (int j = 0; j < r * cc; j++) { mx = fmax(mx, fabs(w[j])); mean += w[j]; }
        mean /= r * cc;
        if (i % 2) CHECK(mx == 0.0, "%s: lora_b must start at zero", name);
        else { /* U(-1/sqrt(in), 1/sqrt(in)), in = rows */
            const double bound = 1.0 / sqrt((double)r);
            CHECK(mx <= bound && mx > 0.9 * bound && fabs(mean) < 0.1 * bound, "%s: max %.4f mean %.4f, bound %.4f", name, mx, mean, bound);
        }
        free(w);
    }
    sam_lora_free(a); sam_lora_free(b); sam_lora_free(c);
}

static void test_lora_io(sam_model *m, const char *dir) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *a = NULL, *b = NULL;
    CHECK_OK(sam_lora_load(m, &lc, tu_fixture("adapters/adapters.safetensors"), &a));
    char path[4096];
    snprintf(path, sizeof path, "%s/adapters.safetensors", dir);
    CHECK_OK(sam_lora_save(a, path));
    CHECK_OK(sam_lora_load(m, &lc, path, &b));
    size_t na, nb;
    float *wa = read_all(a, &na), *wb = read_all(b, &nb);
    CHECK(na == nb && memcmp(wa, wb, na * sizeof(float)) == 0, "adapter save/load is not bitwise");
    st_file f;
    CHECK_OK(st_open(&f, path));
    int ok = f.n == 16;
    for (int i = 0; i < f.n; i++) {
        const st_tensor *t = &f.t[i];
        const int isa = strstr(t->name, ".lora_a") != NULL;
        ok &= t->dtype == ST_F32 && t->ndim == 2 && strncmp(t->name, "model.layers.", 13) == 0 && (isa || strstr(t->name, ".lora_b"));
        ok &= isa ? t->shape[0] == 64 && t->shape[1] == 4 : t->shape[0] == 4;
    }
    CHECK(ok, "saved adapter file does not hold exactly the 16 mlx-lm lora_a/lora_b F32 tensors");
    st_close(&f);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    int tmpfiles = -1;
    if (p) { if (fscanf(p, "%d", &tmpfiles) != 1) tmpfiles = -1; pclose(p); }
    CHECK(tmpfiles == 0, "temporary files left behind by the atomic writer (%d)", tmpfiles);
    free(wa);
    free(wb);
    sam_lora_free(a);
    sam_lora_free(b);
}

/* ---- generation ---- */
static int generate(sam_model *m, sam_lora *l, float temp, float top_p, uint64_t seed, int maxn, const int32_t *stop, int nstop, int32_t *out) {
    sam_gen_config gc = {maxn, 64, temp, top_p, seed, stop, nstop};
    sam_generator *g = NULL;
    if (sam_gen_create(m, l, &gc, &g)) { printf("%s\n", sam_last_error()); return -1; }
    int n = 0;
    for (int rep = 0; rep < 2; rep++) { /* prefill restarts: the second pass must repeat the first */
        if (sam_gen_prefill(g, E.ids, 6)) { printf("%s\n", sam_last_error()); sam_gen_free(g); return -1; }
        int k = 0;
        int32_t tok, done = 0;
        while (!done) {
            if (sam_gen_next(g, &tok, &done)) { printf("%s\n", sam_last_error()); break; }
            if (tok >= 0) {
                if (rep == 0) out[k] = tok;
                else if (out[k] != tok) n = -1000;
                k++;
            }
        }
        int32_t t2, d2;
        sam_gen_next(g, &t2, &d2);
        if (!(t2 == -1 && d2 == 1)) n = -1000;
        if (rep == 0) n += k;
    }
    sam_gen_free(g);
    return n;
}

typedef struct { sam_model *m; sam_lora *l; uint64_t seed; int32_t out[16]; int n; } gen_job;
static void *gen_thread(void *p) {
    gen_job *j = p;
    for (int rep = 0; rep < 3; rep++) j->n = generate(j->m, j->l, 0.9f, 0.95f, j->seed, 16, NULL, 0, j->out);
    return NULL;
}

static void test_generation(sam_model *m) {
    sam_lora_config lc = tu_fixture_lora_cfg();
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_load(m, &lc, tu_fixture("adapters/adapters.safetensors"), &l));
    int32_t a[16], b[16];
    const int32_t stop5 = 5;
    int n = generate(m, NULL, 0.0f, 1.0f, 0, 8, &stop5, 1, a); /* greedy is 125 5 ...: stops after 125 */
    CHECK(n == 1 && a[0] == E.greedy_fp32[0], "stop id: %d tokens, first %d", n, a[0]);
    n = generate(m, NULL, 0.0f, 1.0f, 0, 3, NULL, 0, a);
    CHECK(n == 3 && memcmp(a, E.greedy_fp32, 3 * sizeof(int32_t)) == 0, "max_new_tokens 3 gave %d tokens", n);
    n = generate(m, l, 0.0f, 1.0f, 0, 0, NULL, 0, a);
    CHECK(n == 0, "max_new_tokens 0 gave %d tokens", n);
    n = generate(m, l, 1.0f, 1e-6f, 42, 8, NULL, 0, a); /* nucleus of one token == greedy */
    CHECK(n == 8 && memcmp(a, E.greedy_fp32_adapters, 8 * sizeof(int32_t)) == 0, "top_p -> 0 is not greedy");
    int na = generate(m, l, 0.9f, 0.95f, 11, 16, NULL, 0, a), nb = generate(m, l, 0.9f, 0.95f, 11, 16, NULL, 0, b);
    CHECK(na == 16 && nb == 16 && memcmp(a, b, sizeof a) == 0, "sampling is not reproducible from the seed (%d, %d)", na, nb);
    nb = generate(m, l, 0.9f, 0.95f, 12, 16, NULL, 0, b);
    CHECK(nb == 16 && memcmp(a, b, sizeof a) != 0, "a different seed gave the same 16 tokens");
    int g5 = 0;
    for (int i = 0; i < 16; i++) g5 += a[i] == 5;
    CHECK(g5 < 16, "sampling at temperature 0.9 produced only the greedy token");

    gen_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) { jobs[i] = (gen_job){m, i % 2 ? l : NULL, 100 + (uint64_t)i, {0}, 0}; pthread_create(&th[i], NULL, gen_thread, &jobs[i]); }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        int32_t seq[16];
        int ns = generate(m, i % 2 ? l : NULL, 0.9f, 0.95f, 100 + (uint64_t)i, 16, NULL, 0, seq);
        CHECK(jobs[i].n == 16 && ns == 16 && memcmp(seq, jobs[i].out, sizeof seq) == 0, "concurrent generator %d differs from the sequential run", i);
    }
    sam_lora_free(l);
}

/* Gradient of one micro-batch b (rows of it weighted by w, NULL: sam_train_accumulate), scaled by scale. */
static float *weighted_grad(sam_model *m, sam_lora *l, const batch *b, int rows, const float *w, double scale,
                            double *loss, size_t *n) {
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    int64_t nt;
    if (w) CHECK_OK(sam_train_accumulate_weighted(t, b->tok, b->len, b->mask, w, rows, b->T, loss, &nt));
    else CHECK_OK(sam_train_accumulate(t, b->tok, b->len, b->mask, rows, b->T, loss, &nt));
    float *g = read_grads(t, l, n);
    for (size_t i = 0; i < *n; i++) g[i] = (float)(g[i] * scale);
    sam_trainer_free(t);
    return g;
}

static double rel_err(const float *a, const float *b, size_t n) {
    double mx = 0, err = 0;
    for (size_t i = 0; i < n; i++) {
        mx = fmax(mx, fabs(a[i]));
        err = fmax(err, fabs((double)a[i] - b[i]));
    }
    return mx > 0 ? err / mx : err;
}

/* Per-row weights (sam_train_accumulate_weighted): all ones is the unweighted step bit for bit; the
 * gradient is linear in the weights (row gradients measured alone, weights 1/0 and 0/1); a row with
 * weight 0 adds nothing (equal to the other row alone, up to the 1/n normalization); all-zero weights
 * leave the adapters unchanged through apply; a negative weight is refused. */
static void test_weights(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.0f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 8, &l));
    randomize_b(l, 11);
    const batch b = make_batch(4);
    const int n0 = b.len[0] - 3, n1 = b.len[1] - 3, nall = n0 + n1; /* mask is i >= 3 */
    size_t n;
    double l_plain, l_ones, l_w, l_a, l_b, l_alone;
    const float ones[2] = {1, 1}, w[2] = {2.0f, 0.25f}, only0[2] = {1, 0}, only1[2] = {0, 1};
    float *plain = weighted_grad(m, l, &b, 2, NULL, 1, &l_plain, &n);
    float *g_ones = weighted_grad(m, l, &b, 2, ones, 1, &l_ones, &n);
    CHECK(memcmp(plain, g_ones, n * sizeof(float)) == 0 && l_plain == l_ones,
          "weights of 1 differ from the unweighted step (loss %.9g vs %.9g)", l_ones, l_plain);
    float *g_w = weighted_grad(m, l, &b, 2, w, 1, &l_w, &n);
    float *g0 = weighted_grad(m, l, &b, 2, only0, 1, &l_a, &n);
    float *g1 = weighted_grad(m, l, &b, 2, only1, 1, &l_b, &n);
    float *lin = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) lin[i] = (float)(2.0 * g0[i] + 0.25 * g1[i]);
    double e = rel_err(lin, g_w, n);
    CHECK(e <= 1e-5, "weighted gradient is not the weighted sum of the row gradients (rel err %.3e)", e);
    CHECK(fabs(l_w - (2.0 * l_a + 0.25 * l_b)) <= 1e-9 * fabs(l_w), "weighted loss %.9g is not 2*%.9g + 0.25*%.9g", l_w, l_a, l_b);
    CHECK(fabs(l_plain - (l_a + l_b)) <= 1e-9 * l_plain, "row losses %.9g + %.9g do not add up to %.9g", l_a, l_b, l_plain);
    /* row 0 alone (a one-row batch) against weights {1, 0}: same gradient once both are scaled to sums */
    float *alone = weighted_grad(m, l, &b, 1, NULL, n0, &l_alone, &n);
    for (size_t i = 0; i < n; i++) g0[i] = (float)((double)g0[i] * nall);
    e = rel_err(alone, g0, n);
    CHECK(e <= 1e-5, "a weight-0 row changed the gradient of the other row (rel err %.3e)", e);
    /* all weights 0: nothing accumulated, and the step leaves the adapters as they were */
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    size_t na;
    float *before = read_all(l, &na);
    const float zeros[2] = {0, 0}, neg[2] = {1, -1};
    double loss;
    int64_t nt;
    CHECK_OK(sam_train_accumulate_weighted(t, b.tok, b.len, b.mask, zeros, 2, b.T, &loss, &nt));
    CHECK(loss == 0.0 && nt == nall, "all-zero weights: loss %g targets %lld", loss, (long long)nt);
    sam_step_stats st;
    CHECK_OK(sam_train_apply(t, &st));
    float *after = read_all(l, &na);
    CHECK(memcmp(before, after, na * sizeof(float)) == 0, "a step of weight-0 samples changed the adapters");
    CHECK(sam_train_accumulate_weighted(t, b.tok, b.len, b.mask, neg, 2, b.T, &loss, &nt) == SAM_ERR_INVALID_ARG
          && strstr(sam_last_error(), "weights[1]"), "a negative weight was not refused: %s", sam_last_error());
    sam_trainer_free(t);
    free(before), free(after), free(plain), free(g_ones), free(g_w), free(g0), free(g1), free(lin), free(alone);
    sam_lora_free(l);
}

/* Writes a flat buffer (read_all's layout) back into the adapter. */
static void write_all(sam_lora *l, const float *buf) {
    const float *p = buf;
    for (int i = 0; i < sam_lora_num_tensors(l); i++) {
        int32_t r, c;
        sam_lora_tensor_info(l, i, NULL, 0, &r, &c);
        sam_lora_write(l, i, p);
        p += (size_t)r * c;
    }
}

/* The DPO loss of one fresh trainer's step (and, when grad is not NULL, its gradient). */
static double dpo_loss(sam_model *m, sam_lora *l, const batch *b, const double *ref, float beta, float eps,
                       float **grad, size_t *n) {
    sam_train_config tc = tu_train_cfg(2, 24, 1);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    double loss = NAN, pl[2];
    CHECK_OK(sam_train_accumulate_dpo(t, b->tok, b->len, b->mask, ref, 2, b->T, beta, eps, &loss, pl));
    if (grad) *grad = read_grads(t, l, n);
    sam_trainer_free(t);
    return loss;
}

/* The preference step (dpo.c): its LoRA gradient against central finite differences of its own loss at the
 * parameters with the largest gradients (on every platform the suite runs on, arm64 under qemu included;
 * the Java PreferenceOracleTest holds loss and gradients to TRL's loss in float64 PyTorch); the loss at a
 * zero margin is log 2 (policy = reference); an odd batch is refused. */
static void test_dpo(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.0f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 8, &l));
    const batch b = make_batch(6); /* row 0 the chosen answer, row 1 the rejected one (prompt: tokens 0..2) */
    double sums[2], ref[2];
    int64_t nt[2];
    CHECK_OK(sam_eval_loss(m, NULL, b.tok, b.len, b.mask, 2, b.T, sums, nt));
    ref[0] = -sums[0], ref[1] = -sums[1];
    size_t n;
    /* B = 0: the adapters change nothing, the margin is 0 and the loss log 2 */
    double l0 = dpo_loss(m, l, &b, ref, 0.5f, 0.0f, NULL, &n);
    CHECK(fabs(l0 - log(2.0)) < 1e-5, "DPO loss at a zero margin %.9f is not log 2", l0);
    randomize_b(l, 21);
    float *g = NULL;
    dpo_loss(m, l, &b, ref, 0.5f, 0.1f, &g, &n);
    float *w = read_all(l, &n);
    int checked = 0;
    for (int k = 0; k < 6; k++) { /* the 6 largest |g|, each once */
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (fabsf(g[i]) > fabsf(g[best])) best = i;
        const float h = 5e-3f, keep = w[best];
        w[best] = keep + h;
        write_all(l, w);
        const double lp = dpo_loss(m, l, &b, ref, 0.5f, 0.1f, NULL, &n);
        w[best] = keep - h;
        write_all(l, w);
        const double lm = dpo_loss(m, l, &b, ref, 0.5f, 0.1f, NULL, &n);
        w[best] = keep;
        write_all(l, w);
        const double fd = (lp - lm) / (2.0 * h);
        CHECK(fabs(fd - g[best]) <= 0.03 * fabs((double)g[best]) + 1e-5,
              "DPO gradient %zu: %.6g, central difference %.6g", best, (double)g[best], fd);
        checked += fabs(fd - g[best]) <= 0.03 * fabs((double)g[best]) + 1e-5;
        g[best] = 0.0f;
    }
    printf("  dpo: %d of 6 largest gradients match central differences\n", checked);
    sam_train_config tc = tu_train_cfg(2, 24, 0);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    double loss;
    CHECK(sam_train_accumulate_dpo(t, b.tok, b.len, b.mask, ref, 1, b.T, 0.5f, 0.0f, &loss, NULL) == SAM_ERR_INVALID_ARG
          && strstr(sam_last_error(), "odd"), "an odd batch was not refused: %s", sam_last_error());
    sam_trainer_free(t);
    free(g), free(w);
    sam_lora_free(l);
}

/* Four rows: make_batch(1)'s two and make_batch(4)'s two (rows 1 and 3 padded). */
typedef struct { int32_t tok[4 * 24], len[4]; uint8_t mask[4 * 24]; } batch4;
static batch4 make_batch4(void) {
    batch4 q;
    const batch a = make_batch(1), c = make_batch(4);
    memcpy(q.tok, a.tok, sizeof a.tok), memcpy(q.tok + 48, c.tok, sizeof c.tok);
    memcpy(q.mask, a.mask, sizeof a.mask), memcpy(q.mask + 48, c.mask, sizeof c.mask);
    q.len[0] = a.len[0], q.len[1] = a.len[1], q.len[2] = c.len[0], q.len[3] = c.len[1];
    return q;
}

typedef struct { double sft, wsft, dpo; float *g[3]; int rows, ckpt; int64_t bytes; } pass_result;

/* The supervised, weighted and preference steps of batch4 on a trainer planned with (ckpt, budget). */
static pass_result run_passes(sam_model *m, sam_lora *l, int ckpt, int64_t budget) {
    pass_result r;
    sam_train_config tc = tu_train_cfg(4, 24, ckpt);
    tc.memory_budget = budget;
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    CHECK_OK(sam_trainer_plan(t, &r.rows, &r.ckpt, &r.bytes));
    const batch4 b = make_batch4();
    const float w[4] = {1.0f, 0.0f, 2.5f, 0.5f};
    const double ref[4] = {-60.0, -55.0, -61.0, -50.0};
    int64_t nt;
    size_t n;
    g_allocs = 0;
    g_counting = 1; /* several passes allocate nothing either */
    CHECK_OK(sam_train_accumulate(t, b.tok, b.len, b.mask, 4, 24, &r.sft, &nt));
    g_counting = 0;
    r.g[0] = read_grads(t, l, &n);
    CHECK_OK(sam_train_apply(t, NULL));
    g_counting = 1;
    CHECK_OK(sam_train_accumulate_weighted(t, b.tok, b.len, b.mask, w, 4, 24, &r.wsft, &nt));
    g_counting = 0;
    r.g[1] = read_grads(t, l, &n);
    CHECK_OK(sam_train_apply(t, NULL));
    g_counting = 1;
    CHECK_OK(sam_train_accumulate_dpo(t, b.tok, b.len, b.mask, ref, 4, 24, 0.5f, 0.1f, &r.dpo, NULL));
    g_counting = 0;
    if (ALLOC_COUNTING) CHECK(g_allocs == 0, "%d rows per pass: %d heap allocations in the steps", r.rows, g_allocs);
    r.g[2] = read_grads(t, l, &n);
    sam_trainer_free(t);
    return r;
}

/* The memory plan (sam_trainer_plan): a budget too small for one row still trains, one row per pass,
 * and says so; a middle budget gets fewer rows per pass within it; AUTO keeps the activations when they
 * fit. Passes of 1, some and all rows give the same supervised, weighted and DPO losses and gradients
 * (float rounding apart), and AUTO without recomputation gives bitwise the checkpointed gradients. */
static void test_passes(sam_model *m) {
    sam_lora_config lc = {4, 2.0f, 0.0f, 2, 127};
    sam_lora *l = NULL;
    CHECK_OK(sam_lora_create(m, &lc, 9, &l));
    randomize_b(l, 5);
    size_t n;
    float *w0 = read_all(l, &n);
    pass_result one = run_passes(m, l, SAM_CKPT_ON, 0);
    write_all(l, w0);
    pass_result tiny = run_passes(m, l, SAM_CKPT_ON, 1);
    write_all(l, w0);
    CHECK(one.rows == 4 && one.ckpt == 1, "no budget: %d rows per pass, checkpointing %d", one.rows, one.ckpt);
    CHECK(tiny.rows == 1 && tiny.bytes > 1 && tiny.bytes < one.bytes, "budget 1 byte: %d rows per pass, %lld bytes planned (all rows: %lld)",
          tiny.rows, (long long)tiny.bytes, (long long)one.bytes);
    pass_result mid = run_passes(m, l, SAM_CKPT_ON, (tiny.bytes + one.bytes) / 2);
    write_all(l, w0);
    CHECK(mid.rows > 1 && mid.rows < 4 && mid.bytes <= (tiny.bytes + one.bytes) / 2, "middle budget: %d rows per pass, %lld bytes",
          mid.rows, (long long)mid.bytes);
    const pass_result *cmp[2] = {&tiny, &mid};
    for (int c = 0; c < 2; c++) {
        const pass_result *p = cmp[c];
        CHECK(tu_rel(p->sft, one.sft) < 1e-6 && tu_rel(p->wsft, one.wsft) < 1e-6 && tu_rel(p->dpo, one.dpo) < 1e-6,
              "%d rows per pass: losses %.9g %.9g %.9g, one pass %.9g %.9g %.9g", p->rows, p->sft, p->wsft, p->dpo, one.sft, one.wsft, one.dpo);
        for (int k = 0; k < 3; k++) {
            double mx = 0, err = 0;
            for (size_t i = 0; i < n; i++) mx = fmax(mx, fabs(one.g[k][i])), err = fmax(err, fabs((double)p->g[k][i] - one.g[k][i]));
            CHECK(mx > 0 && err <= 1e-5 * mx, "%d rows per pass, step %d: gradients differ by %.3g (max |g| %.3g)", p->rows, k, err, mx);
        }
    }
    pass_result keep = run_passes(m, l, SAM_CKPT_AUTO, (int64_t)1 << 50);
    write_all(l, w0);
    CHECK(keep.rows == 4 && keep.ckpt == 0 && keep.bytes > one.bytes, "AUTO, ample budget: %d rows per pass, checkpointing %d, %lld bytes",
          keep.rows, keep.ckpt, (long long)keep.bytes);
    for (int k = 0; k < 3; k++) CHECK(memcmp(keep.g[k], one.g[k], n * sizeof(float)) == 0, "AUTO without recomputation: step %d's gradients differ", k);
    pass_result fit = run_passes(m, l, SAM_CKPT_AUTO, one.bytes);
    CHECK(fit.rows == 4 && fit.ckpt == 1, "AUTO, budget of the checkpointed plan: %d rows per pass, checkpointing %d", fit.rows, fit.ckpt);
    printf("  passes: planned bytes %lld (1 row/pass), %lld (%d rows), %lld (4 rows), %lld (4 rows, activations kept)\n",
           (long long)tiny.bytes, (long long)mid.bytes, mid.rows, (long long)one.bytes, (long long)keep.bytes);
    sam_train_config bad = tu_train_cfg(4, 24, 3);
    sam_trainer *t = NULL;
    CHECK(sam_trainer_create(m, l, &bad, &t) == SAM_ERR_INVALID_ARG && strstr(sam_last_error(), "grad_checkpoint"), "grad_checkpoint 3 accepted");
    bad = tu_train_cfg(4, 24, 1);
    bad.memory_budget = -1;
    CHECK(sam_trainer_create(m, l, &bad, &t) == SAM_ERR_INVALID_ARG && strstr(sam_last_error(), "memory_budget"), "memory_budget -1 accepted");
    pass_result *all[5] = {&one, &tiny, &mid, &keep, &fit};
    for (int i = 0; i < 5; i++) free(all[i]->g[0]), free(all[i]->g[1]), free(all[i]->g[2]);
    free(w0);
    sam_lora_free(l);
}

int main(void) {
    if (tu_load_expected(&E)) return 1;
    char *dir = tu_tmpdir();
    sam_model *m = NULL, *q = NULL;
    CHECK_OK(sam_model_open(tu_fixture("fp32"), &m));
    CHECK_OK(sam_model_open(tu_fixture("mlx-4bit-g32"), &q));
    if (!m || !q || !dir) return tu_done("test_train");
    const char *be[2];
    int nb = tu_backends(be);
    for (int i = 0; i < nb; i++) {
        if (tu_use_backend(be[i])) { tu_failures++; continue; }
        test_no_alloc(m);
        test_ckpt_identical(m, "fp32");
        test_ckpt_identical(q, "4-bit");
        test_resume(m, dir);
        test_resume(q, dir);
        test_accumulation(m);
        test_weights(m);
        test_dpo(m);
        test_passes(m);
        test_generation(m);
    }
    sam_backend_init(NULL, 0);
    char *odir = tu_tmpdir();
    test_overfit(odir);
    tu_rmrf(odir);
    free(odir);
    test_quant_vs_fp32(q, dir);
    test_bf16_training(q);
    test_adamw(m, dir);
    test_schedule(m);
    test_dropout(m);
    test_lora_init(m);
    test_lora_io(m, dir);
    sam_model_free(m);
    sam_model_free(q);
    tu_rmrf(dir);
    free(dir);
    return tu_done("test_train");
}
