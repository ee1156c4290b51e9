/* test_fixture.c — the native forward against the independent qwen2-tiny reference
 * (testdata/qwen2-tiny/expected.json, from float64 NumPy and PyTorch implementations of HF Qwen2).
 * Tolerances (README of the fixture): losses 1e-4 relative, logits 1e-3 absolute, greedy ids and the
 * dequantized row exactly. Every loss is checked through both the evaluation path (sam_eval_loss)
 * and the training path (sam_train_accumulate's micro-batch mean, with and without activation
 * checkpointing); runs on the builtin kernels and, with SAM_BLAS_LIB, on CBLAS.
 * Also: batching with padding equals per-row evaluation, and KV-cache generation (chunked prefill
 * across the 128-token chunk boundary) follows the argmax of full-sequence logits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static tu_expected E;
static double worst[16];
static const char *worst_name[16] = {"loss_fp32", "loss_fp32_masked", "loss_fp32_adapters", "loss_fp32_adapters_masked",
                                     "loss_mlx4bit", "logits_fp32 (abs)", "logits_fp32_adapters (abs)", "dequant row (abs)"};

static void note(int k, double err) { if (err > worst[k]) worst[k] = err; }

/* Mean loss via eval and via the trainer (fresh trainer per call, both checkpoint modes). */
static void check_loss(sam_model *m, sam_lora *l, int masked, double want, int k, const char *what) {
    int32_t len = E.n;
    uint8_t mask[64];
    for (int i = 0; i < E.n; i++) mask[i] = i >= 1 && (!masked || i >= E.mask_from);
    double sum = 0;
    int64_t nt = 0;
    CHECK_OK(sam_eval_loss(m, l, E.ids, &len, mask, 1, E.n, &sum, &nt));
    const int64_t want_n = masked ? E.n - E.mask_from : E.n - 1;
    CHECK(nt == want_n, "%s: %lld targets, want %lld", what, (long long)nt, (long long)want_n);
    double rel = tu_rel(sum / (double)nt, want);
    note(k, rel);
    CHECK(rel < 1e-4, "%s eval: %.9f vs %.9f (rel %.2e)", what, sum / (double)nt, want, rel);
    if (!l) return;
    for (int ck = 0; ck < 2; ck++) {
        sam_train_config tc = tu_train_cfg(2, 32, ck);
        sam_trainer *t = NULL;
        CHECK_OK(sam_trainer_create(m, l, &tc, &t));
        double mean = 0;
        int64_t n2 = 0;
        CHECK_OK(sam_train_accumulate(t, E.ids, &len, mask, 1, E.n, &mean, &n2));
        rel = tu_rel(mean, want);
        note(k, rel);
        CHECK(rel < 1e-4 && n2 == want_n, "%s train (ckpt %d): %.9f vs %.9f (rel %.2e)", what, ck, mean, want, rel);
        sam_trainer_free(t);
    }
}

static void check_logits(sam_model *m, sam_lora *l, const double *want, int k, const char *what) {
    float *lg = malloc(sizeof(float) * E.n * 320);
    CHECK_OK(sam_forward_logits(m, l, E.ids, E.n, lg));
    for (int j = 0; j < 8; j++) {
        double err = fabs(lg[(E.n - 1) * 320 + j] - want[j]);
        note(k, err);
        CHECK(err < 1e-3, "%s logit %d: %.6f vs %.6f", what, j, lg[(E.n - 1) * 320 + j], want[j]);
    }
    free(lg);
}

static void check_greedy(sam_model *m, sam_lora *l, const int32_t *want, const char *what) {
    sam_gen_config gc = {8, 64, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g = NULL;
    CHECK_OK(sam_gen_create(m, l, &gc, &g));
    CHECK_OK(sam_gen_prefill(g, E.ids, 6));
    int32_t got[8], tok, done = 0;
    int n = 0;
    while (!done && n < 9) {
        if (sam_gen_next(g, &tok, &done) != SAM_OK) { printf("%s\n", sam_last_error()); break; }
        if (tok >= 0 && n < 8) got[n] = tok;
        if (tok >= 0) n++;
    }
    CHECK(n == 8 && memcmp(got, want, sizeof got) == 0, "%s greedy ids differ (%d tokens: %d %d %d %d ...)", what, n, got[0], got[1], got[2], got[3]);
    sam_gen_free(g);
}

/* Rows of different length in one batch (padding ids out of range: never read) == separate rows. */
static void check_padding(sam_model *m, sam_lora *l) {
    const int T = E.n, lens[2] = {E.n, 15};
    int32_t tok[2 * 64], len[2] = {lens[0], lens[1]};
    uint8_t mask[2 * 64];
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < T; i++) {
            tok[b * T + i] = i < lens[b] ? E.ids[(i + 3 * b) % E.n] : 99999;
            mask[b * T + i] = i >= 2 + b;
        }
    double s2[2], s1;
    int64_t n2[2], n1;
    CHECK_OK(sam_eval_loss(m, l, tok, len, mask, 2, T, s2, n2));
    double tot = 0;
    int64_t totn = 0;
    for (int b = 0; b < 2; b++) {
        CHECK_OK(sam_eval_loss(m, l, tok + b * T, &len[b], mask + b * T, 1, lens[b], &s1, &n1));
        CHECK(n1 == n2[b] && tu_rel(s2[b], s1) < 1e-6, "row %d: batched %.9f (%lld) vs alone %.9f (%lld)", b, s2[b], (long long)n2[b], s1, (long long)n1);
        tot += s1;
        totn += n1;
    }
    if (!l) return;
    sam_train_config tc = tu_train_cfg(2, 32, 1);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    double mean;
    int64_t nt;
    CHECK_OK(sam_train_accumulate(t, tok, len, mask, 2, T, &mean, &nt));
    CHECK(nt == totn && tu_rel(mean, tot / (double)totn) < 1e-5, "padded train batch mean %.9f vs %.9f", mean, tot / (double)totn);
    sam_trainer_free(t);
}

/* Greedy with the KV cache (prompt of 150 tokens: two prefill chunks) == argmax of sam_forward_logits. */
static void check_kv_cache(sam_model *m, sam_lora *l) {
    enum { P = 150, G = 6 };
    int32_t seq[P + G];
    for (int i = 0; i < P; i++) seq[i] = E.ids[i % E.n] ^ (i / E.n); /* stays < 320 */
    sam_gen_config gc = {G, P + G + 4, 0.0f, 1.0f, 0, NULL, 0};
    sam_generator *g = NULL;
    CHECK_OK(sam_gen_create(m, l, &gc, &g));
    CHECK_OK(sam_gen_prefill(g, seq, P));
    float *lg = malloc(sizeof(float) * (P + G) * 320);
    int ok = 1;
    for (int k = 0; k < G && ok; k++) {
        int32_t tok, done;
        CHECK_OK(sam_gen_next(g, &tok, &done));
        CHECK_OK(sam_forward_logits(m, l, seq, P + k, lg));
        const float *last = lg + (size_t)(P + k - 1) * 320;
        int best = 0;
        for (int j = 1; j < 320; j++) best = last[j] > last[best] ? j : best;
        ok = tok == best;
        CHECK(ok, "KV-cache step %d: generated %d, full forward argmax %d", k, tok, best);
        seq[P + k] = tok;
    }
    free(lg);
    sam_gen_free(g);
}

static void run_all(void) {
    sam_model *m = NULL, *q = NULL;
    sam_lora *ad = NULL, *zero = NULL, *adq = NULL;
    sam_lora_config lc = tu_fixture_lora_cfg();
    CHECK_OK(sam_model_open(tu_fixture("fp32"), &m));
    CHECK_OK(sam_model_open(tu_fixture("mlx-4bit-g32"), &q));
    if (!m || !q) return;
    CHECK_OK(sam_lora_load(m, &lc, tu_fixture("adapters/adapters.safetensors"), &ad));
    CHECK_OK(sam_lora_load(q, &lc, tu_fixture("adapters/adapters.safetensors"), &adq));
    CHECK_OK(sam_lora_create(m, &lc, 7, &zero)); /* B = 0: must not change the output */

    check_loss(m, NULL, 0, E.loss_fp32, 0, "fp32");
    check_loss(m, zero, 0, E.loss_fp32, 0, "fp32 + fresh adapters (B = 0)");
    check_loss(m, NULL, 1, E.loss_fp32_masked, 1, "fp32 masked");
    check_loss(m, zero, 1, E.loss_fp32_masked, 1, "fp32 masked + fresh adapters");
    check_loss(m, ad, 0, E.loss_fp32_adapters, 2, "fp32 + adapters");
    check_loss(m, ad, 1, E.loss_fp32_adapters_masked, 3, "fp32 + adapters masked");
    check_loss(q, NULL, 0, E.loss_mlx4bit, 4, "mlx 4-bit");
    sam_lora *zq = NULL;
    CHECK_OK(sam_lora_create(q, &lc, 7, &zq));
    check_loss(q, zq, 0, E.loss_mlx4bit, 4, "mlx 4-bit + fresh adapters");
    check_logits(m, NULL, E.logits_fp32, 5, "fp32");
    check_logits(m, ad, E.logits_fp32_adapters, 6, "fp32 + adapters");
    check_greedy(m, NULL, E.greedy_fp32, "fp32");
    check_greedy(m, ad, E.greedy_fp32_adapters, "fp32 + adapters");

    int32_t rows, cols;
    CHECK_OK(sam_model_weight_info(q, "model.layers.0.self_attn.q_proj.weight", &rows, &cols));
    CHECK(rows == 64 && cols == 64, "q_proj logical shape %dx%d", rows, cols);
    float row[64];
    CHECK_OK(sam_model_weight_rows(q, "model.layers.0.self_attn.q_proj.weight", 0, 1, row));
    for (int j = 0; j < 8; j++) {
        note(7, fabs(row[j] - E.dequant_row[j]));
        CHECK(row[j] == (float)E.dequant_row[j], "dequant row[%d] = %.10g, want %.10g exactly", j, row[j], E.dequant_row[j]);
    }
    check_padding(m, NULL);
    check_padding(m, ad);
    check_padding(q, adq);
    check_kv_cache(m, ad);
    check_kv_cache(q, NULL);
    sam_lora_free(ad);
    sam_lora_free(adq);
    sam_lora_free(zero);
    sam_lora_free(zq);
    sam_model_free(m);
    sam_model_free(q);
}

int main(void) {
    if (tu_load_expected(&E)) return 1;
    const char *be[2];
    int nb = tu_backends(be);
    for (int i = 0; i < nb; i++) {
        if (tu_use_backend(be[i])) { tu_failures++; continue; }
        memset(worst, 0, sizeof worst);
        run_all();
        printf("max error per expected value (%s):\n", sam_backend_name());
        for (int k = 0; k < 8; k++) printf("  %-28s %.3e\n", worst_name[k], worst[k]);
    }
    sam_backend_init(NULL, 0);
    return tu_done("test_fixture");
}
