/* train.c — the LoRA trainer: one arena sized at creation, forward/backward of a micro-batch with
 * gradient accumulation, AdamW with bias correction and decoupled weight decay, global-norm
 * clipping, warm-up + cosine schedule, and bit-exact checkpoints.
 *
 * Memory plan (sam_train_config.memory_budget): the arena is sized for passes of R <= max_batch rows;
 *   a micro-batch of more rows runs pass by pass (forward, cross-entropy and backward of R rows each)
 *   with one loss normalization, so its loss and gradient are the whole micro-batch's. With a budget the
 *   creation plans the fastest layout that fits: every layer's activations kept (no recomputation) when
 *   grad_checkpoint is AUTO and they fit, else checkpointing, then fewer rows per pass.
 * Forward of a pass (B rows of T tokens, BT = B*T):
 *   layers [0, first) are frozen and below every adapter: run forward-only in place (no storage);
 *   layers [first, L) store their input xs[i]; without grad_checkpoint each also keeps its own
 *   activations, with grad_checkpoint one activation set is shared and a layer's forward is
 *   recomputed from xs[i] right before its backward (same code, same dropout mask -> bitwise equal).
 * Cross-entropy: only scored positions get logits, in blocks of ce_rows tokens x full vocabulary
 *   (blk_ce_rows: at most 64 MiB, 110 tokens for Qwen2's 151936), so [T x V] is never
 *   materialized; the block's softmax gradient is formed in place and multiplied back at once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "error.h"
#include "train.h"

#define CKPT_FORMAT "samtrain-checkpoint"
#define CKPT_VERSION "1"

struct sam_trainer {
    const sam_model *m;
    sam_lora *l;
    sam_train_config cfg;
    int maxB, maxT, first, nad;
    int passB, ckpt;       /* rows per forward/backward pass; checkpointing as planned (0/1) */
    int64_t planned_bytes; /* model file bytes + adapters + every buffer below */
    float *arena;
    float **xs;            /* (nad+1) x (maxBT, C): input of adapted layer i; xs[nad] = last layer output */
    blk_acts *acts;        /* grad_checkpoint ? 1 : nad sets; acts[0] is also the frozen layers' scratch */
    float *xf, *rstdf;     /* (BT, C), (BT) final norm output */
    float *dx, *dxf;       /* (BT, C) residual-stream gradient, gradient of xf */
    float *ce_x, *ce_dx;   /* (ce_rows, C) */
    float *ce_logits;      /* (ce_rows, V) */
    int ce_rows;
    float *cos_t, *sin_t;  /* (maxT, D/2) */
    blk_scratch s;
    blk_grads g;
    float *grad, *m1, *m2; /* (nparams) gradient sum, AdamW first and second moments */
    float *grad_save;      /* (nparams) the sums before a multi-pass micro-batch (NULL when passB == maxB) */
    int32_t *tok, *pos, *tgt; /* (maxBT) */
    double *ce_loss;       /* (ce_rows) */
    double *row_logp;      /* (maxB) per-row log-probabilities of the preference step */
    float *row_scale;      /* (maxB) per-row gradient factors of the preference step */
    int micro;             /* micro-batches accumulated since the last apply */
    uint64_t counter;      /* passes ever processed: the dropout RNG state */
    int64_t step;
};

static int check_train_cfg(const sam_train_config *c) {
#define BAD(...) return err_set(SAM_ERR_INVALID_ARG, __VA_ARGS__)
    if (!(c->learning_rate > 0.0f) || !isfinite(c->learning_rate)) BAD("sam_trainer_create: learning_rate %g must be positive. HINT: 1e-4 is typical for LoRA.", c->learning_rate);
    if (!(c->beta1 >= 0.0f && c->beta1 < 1.0f) || !(c->beta2 >= 0.0f && c->beta2 < 1.0f)) BAD("sam_trainer_create: beta1/beta2 (%g, %g) must be in [0, 1). HINT: use 0.9 and 0.999.", c->beta1, c->beta2);
    if (!(c->eps > 0.0f)) BAD("sam_trainer_create: eps %g must be positive. HINT: use 1e-8.", c->eps);
    if (!(c->weight_decay >= 0.0f) || !isfinite(c->weight_decay)) BAD("sam_trainer_create: weight_decay %g must be >= 0. HINT: use 0 or 0.01.", c->weight_decay);
    if (!isfinite(c->grad_clip)) BAD("sam_trainer_create: grad_clip is not finite. HINT: use 1.0, or 0 to disable.");
    if (c->lr_schedule != SAM_LR_CONSTANT && c->lr_schedule != SAM_LR_COSINE) BAD("sam_trainer_create: unknown lr_schedule %d. HINT: use SAM_LR_CONSTANT or SAM_LR_COSINE.", c->lr_schedule);
    if (c->warmup_steps < 0 || c->total_steps < 0) BAD("sam_trainer_create: warmup_steps/total_steps must be >= 0. HINT: pass the planned number of optimizer steps.");
    if (!(c->min_lr >= 0.0f) || !isfinite(c->min_lr)) BAD("sam_trainer_create: min_lr %g must be >= 0. HINT: use 0.", c->min_lr);
    if (c->max_batch < 1 || c->max_batch > 4096) BAD("sam_trainer_create: max_batch %d must be in 1..4096. HINT: the 8gb profile uses 1.", c->max_batch);
    if (c->max_seq_len < 2 || c->max_seq_len > 1 << 20) BAD("sam_trainer_create: max_seq_len %d must be in 2..1048576. HINT: the 8gb profile uses 512.", c->max_seq_len);
    if ((int64_t)c->max_batch * c->max_seq_len > (1 << 24)) BAD("sam_trainer_create: max_batch x max_seq_len = %lld tokens is too large. HINT: use gradient accumulation instead of a larger batch.", (long long)c->max_batch * c->max_seq_len);
    if (c->grad_checkpoint < SAM_CKPT_OFF || c->grad_checkpoint > SAM_CKPT_AUTO) BAD("sam_trainer_create: grad_checkpoint %d must be 0 (off), 1 (on) or 2 (auto). HINT: use 2 with a memory_budget.", c->grad_checkpoint);
    if (c->memory_budget < 0) BAD("sam_trainer_create: memory_budget %lld must be >= 0 bytes. HINT: 0 means no budget.", (long long)c->memory_budget);
#undef BAD
    return SAM_OK;
}

/* Every arena buffer for passes of R rows, checkpointing on (ckpt 1: one shared activation set, layers
 * recomputed in backward) or off (each adapted layer keeps its activations). */
static void trainer_plan(sam_trainer *t, plan *p, int R, int ckpt) {
    const mdl_config *c = &t->m->c;
    const sam_lora *l = t->l;
    const int BT = R * t->maxT, nsets = ckpt ? 1 : (t->nad > 0 ? t->nad : 1);
    for (int i = 0; i <= t->nad; i++) plan_add(p, &t->xs[i], (size_t)BT * c->C);
    for (int i = 0; i < nsets; i++) /* one (T, T) probabilities scratch, shared after the commit */
        plan_acts(p, &t->acts[i], c, l, t->first + i, BT, i == 0 ? (size_t)t->maxT * t->maxT : 0, 1, NULL);
    plan_add(p, &t->xf, (size_t)BT * c->C);
    plan_add(p, &t->rstdf, (size_t)BT);
    plan_add(p, &t->dx, (size_t)BT * c->C);
    plan_add(p, &t->dxf, (size_t)BT * c->C);
    plan_add(p, &t->ce_x, (size_t)t->ce_rows * c->C);
    plan_add(p, &t->ce_dx, (size_t)t->ce_rows * c->C);
    plan_add(p, &t->ce_logits, (size_t)t->ce_rows * c->V);
    plan_add(p, &t->cos_t, (size_t)t->maxT * c->D / 2);
    plan_add(p, &t->sin_t, (size_t)t->maxT * c->D / 2);
    plan_scratch(p, &t->s, t->m, l, BT, l->dropout > 0.0f);
    plan_grads(p, &t->g, c, BT, t->maxT);
    plan_add(p, &t->grad, l->nparams);
    plan_add(p, &t->m1, l->nparams);
    plan_add(p, &t->m2, l->nparams);
    plan_add(p, &t->grad_save, R < t->maxB ? l->nparams : 0);
    plan_add(p, &t->row_scale, (size_t)t->maxB);
}

/* Bytes a plan holds beside the arena: the model's files (mapped; every page is read in a step), the
 * adapters, the token and loss buffers. */
static int64_t fixed_bytes(const sam_trainer *t) {
    int64_t b = (int64_t)t->l->nparams * (int64_t)sizeof(float);
    for (int i = 0; i < t->m->nfiles; i++) b += (int64_t)t->m->files[i].size;
    b += (int64_t)t->maxB * t->maxT * 3 * (int64_t)sizeof(int32_t) + (int64_t)t->ce_rows * (int64_t)sizeof(double);
    return b;
}

/* What a trainer with this arena plan holds: the arena plus the fixed part. */
static int64_t plan_total_bytes(const sam_trainer *t, const plan *p) {
    return fixed_bytes(t) + (int64_t)p->total * (int64_t)sizeof(float);
}

static int64_t plan_bytes(sam_trainer *t, int R, int ckpt) {
    plan p = {0};
    trainer_plan(t, &p, R, ckpt);
    const int64_t b = plan_total_bytes(t, &p);
    plan_free(&p);
    return b;
}

/* The fastest layout within cfg.memory_budget, in this order: all rows in one pass with every layer's
 * activations kept (grad_checkpoint AUTO; recomputation costs ~1/3 of a forward per adapted layer), the
 * same with checkpointing, then checkpointing with fewer rows per pass (the products stay large: a pass
 * is still R x max_seq_len tokens). Nothing fits: one row per pass, and planned_bytes says by how much
 * the budget is exceeded (the caller reports it). No budget: every row in one pass, AUTO meaning on. */
static void choose_plan(sam_trainer *t) {
    const sam_train_config *c = &t->cfg;
    const int64_t budget = c->memory_budget;
    t->passB = t->maxB;
    t->ckpt = c->grad_checkpoint != SAM_CKPT_OFF;
    if (budget > 0) {
        int found = 0;
        if (c->grad_checkpoint == SAM_CKPT_AUTO && plan_bytes(t, t->maxB, 0) <= budget) t->ckpt = 0, found = 1;
        for (int R = t->maxB; R >= 1 && !found; R--)
            if (plan_bytes(t, R, t->ckpt) <= budget) t->passB = R, found = 1;
        if (!found) t->passB = 1;
    }
}

int sam_trainer_plan(const sam_trainer *t, int32_t *rows_per_pass, int32_t *grad_checkpoint, int64_t *planned_bytes) {
    if (!t) return err_set(SAM_ERR_INVALID_ARG, "sam_trainer_plan: trainer is NULL. HINT: create it with sam_trainer_create.");
    if (rows_per_pass) *rows_per_pass = t->passB;
    if (grad_checkpoint) *grad_checkpoint = t->ckpt;
    if (planned_bytes) *planned_bytes = t->planned_bytes;
    return SAM_OK;
}

int sam_trainer_create(const sam_model *m, sam_lora *l, const sam_train_config *cfg, sam_trainer **out) {
    if (!out) return err_set(SAM_ERR_INVALID_ARG, "sam_trainer_create: out is NULL. HINT: pass the address of a sam_trainer* variable.");
    *out = NULL;
    if (!m || !l || !cfg) return err_set(SAM_ERR_INVALID_ARG, "sam_trainer_create: NULL %s. HINT: open the model, create or load the adapter, fill a sam_train_config.",
                                         !m ? "model" : !l ? "adapter" : "config");
    int rc = check_train_cfg(cfg);
    if (rc || (rc = lora_matches_model(l, m, "sam_trainer_create"))) return rc;
    const mdl_config *c = &m->c;
    sam_trainer *t = XCALLOC(1, sizeof *t, "trainer");
    if (!t) return SAM_ERR_NOMEM;
    t->m = m;
    t->l = l;
    t->cfg = *cfg;
    t->maxB = cfg->max_batch;
    t->maxT = cfg->max_seq_len;
    t->first = l->first;
    t->nad = c->L - l->first;
    const int BT = t->maxB * t->maxT;
    t->ce_rows = blk_ce_rows(c->V, BT);
    t->xs = XCALLOC((size_t)t->nad + 1, sizeof *t->xs, "trainer layer inputs");
    t->acts = XCALLOC((size_t)(t->nad > 0 ? t->nad : 1), sizeof *t->acts, "trainer activations");
    t->tok = XMALLOC((size_t)BT * 3 * sizeof(int32_t), "trainer token buffers");
    t->ce_loss = XMALLOC((size_t)t->ce_rows * sizeof(double), "trainer loss buffer");
    t->row_logp = XMALLOC((size_t)t->maxB * sizeof(double), "trainer row buffer");
    if (!t->xs || !t->acts || !t->tok || !t->ce_loss || !t->row_logp) { sam_trainer_free(t); return SAM_ERR_NOMEM; }
    t->pos = t->tok + BT;
    t->tgt = t->tok + 2 * (size_t)BT;

    choose_plan(t);
    plan p = {0};
    trainer_plan(t, &p, t->passB, t->ckpt);
    t->planned_bytes = plan_total_bytes(t, &p);
    rc = plan_commit(&p, &t->arena, "the trainer arena");
    plan_free(&p);
    if (rc) { sam_trainer_free(t); return rc; }
    for (int i = 1; i < (t->ckpt ? 1 : t->nad); i++) t->acts[i].probs = t->acts[0].probs; /* one head's scratch */
    rope_table(t->cos_t, t->sin_t, t->maxT, c->D, c->theta);
    t->s.cos_t = t->cos_t;
    t->s.sin_t = t->sin_t;
    *out = t;
    return SAM_OK;
}

void sam_trainer_free(sam_trainer *t) {
    if (!t) return;
    free(t->arena);
    free(t->xs);
    free(t->acts);
    free(t->tok);
    free(t->ce_loss);
    free(t->row_logp);
    free(t);
}

int64_t sam_trainer_step(const sam_trainer *t) {
    if (!t) { err_set(SAM_ERR_INVALID_ARG, "sam_trainer_step: trainer is NULL. HINT: create it first."); return -1; }
    return t->step;
}

static float lr_at(const sam_train_config *c, int64_t step) {
    const double base = c->learning_rate;
    if (c->warmup_steps > 0 && step < c->warmup_steps) return (float)(base * (double)(step + 1) / c->warmup_steps);
    if (c->lr_schedule == SAM_LR_COSINE) {
        const int64_t decay = (int64_t)c->total_steps - c->warmup_steps;
        double prog = decay > 0 ? (double)(step - c->warmup_steps) / (double)decay : 1.0;
        prog = prog < 0.0 ? 0.0 : prog > 1.0 ? 1.0 : prog;
        return (float)(c->min_lr + 0.5 * (base - c->min_lr) * (1.0 + cos(M_PI * prog)));
    }
    return (float)base;
}

int trn_check_batch(const sam_trainer *t, const char *who, const int32_t *tokens, const int32_t *lengths,
                    const uint8_t *loss_mask, int B, int T) {
    return blk_check_batch(who, t->m, tokens, lengths, loss_mask, B, T, t->maxB, t->maxT);
}
double *trn_row_logp(sam_trainer *t) { return t->row_logp; }
float *trn_row_scale(sam_trainer *t) { return t->row_scale; }

int trn_pass_rows(const sam_trainer *t) { return t->passB; }

/* The adapters of the pass starting at row0, with its dropout key: a pass's forward, its recomputation in
 * backward and a re-run forward (dpo.c) draw the same masks. */
static blk_lora pass_lora(const sam_trainer *t, int row0) {
    return (blk_lora){t->l, t->grad, t->l->dropout, t->cfg.seed, t->counter + (uint64_t)(row0 / t->passB)};
}

int trn_forward_ce(sam_trainer *t, const char *who, int row0, const int32_t *tokens, const int32_t *lengths,
                   const uint8_t *loss_mask, int B, int T, float gscale, const float *row_weight, double *row_loss,
                   double *sum_out, int *n_out) {
    const sam_model *m = t->m;
    const mdl_config *c = &m->c;
    const int BT = B * T, C = c->C;
    const long off = (long)row0 * T * C; /* error positions name the micro-batch's rows */
    int n = 0, rc;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < T; i++) {
            const size_t k = (size_t)b * T + i;
            t->tok[k] = i < lengths[b] ? tokens[k] : 0;
            if (i >= 1 && i < lengths[b] && loss_mask[k]) {
                t->pos[n] = (int32_t)(k - 1); /* position i-1 predicts token i */
                t->tgt[n++] = tokens[k];
            }
        }
    if (n == 0)
        return err_set(SAM_ERR_INVALID_ARG, "%s: the micro-batch has no scored targets (loss_mask is 0 at every position 1..length-1). "
                       "HINT: skip samples whose completion was truncated away, or check the prompt-masking offsets.", who);

    const blk_lora bl = pass_lora(t, row0);
    /* frozen layers below the first adapter: forward only, in place, acts[0] as scratch */
    blk_embed(t->xs[0], t->tok, BT, m);
    if ((rc = blk_forward_layers(&t->acts[0], t->xs[0], m, NULL, 0, t->first, B, T, 0, NULL, NULL, T, &t->s))) return rc;
    for (int i = 0; i < t->nad; i++) {
        blk_acts *a = &t->acts[t->ckpt ? 0 : i];
        blk_forward(a, t->xs[i + 1], t->xs[i], a->k, a->v, T, m, t->first + i, &bl, B, T, 0, BLK_FULL, &t->s);
        long bad = first_nonfinite(t->xs[i + 1], (size_t)BT * C);
        if (bad >= 0) return blk_nonfinite_error(t->first + i, bad + off, C, T);
    }
    rmsnorm_forward(t->xf, t->rstdf, t->xs[t->nad], m->norm, BT, C, c->eps);

    /* cross-entropy in blocks of scored positions */
    memset(t->dxf, 0, (size_t)BT * C * sizeof(float));
    if (row_loss) memset(row_loss, 0, (size_t)B * sizeof(double));
    double sum = *sum_out; /* continued from earlier passes: one running sum in position order */
    for (int j0 = 0; j0 < n; j0 += t->ce_rows) {
        const int nb = n - j0 < t->ce_rows ? n - j0 : t->ce_rows;
        for (int j = 0; j < nb; j++) memcpy(t->ce_x + (size_t)j * C, t->xf + (size_t)t->pos[j0 + j] * C, C * sizeof(float));
        int bad = ce_forward_backward(t->ce_loss, t->ce_dx, t->ce_x, t->tgt + j0, nb, &m->head, gscale, t->ce_logits, t->s.tile, t->s.tile_floats);
        if (bad >= 0) return blk_nonfinite_error(-1, (long)t->pos[j0 + bad] * C + off, C, T);
        for (int j = 0; j < nb; j++) {
            memcpy(t->dxf + (size_t)t->pos[j0 + j] * C, t->ce_dx + (size_t)j * C, C * sizeof(float));
            const int row = t->pos[j0 + j] / T;
            sum += row_weight ? (double)row_weight[row] * t->ce_loss[j] : t->ce_loss[j];
            if (row_loss) row_loss[row] += t->ce_loss[j];
        }
    }
    *sum_out = sum;
    *n_out += n;
    return SAM_OK;
}

void trn_backward(sam_trainer *t, int row0, int B, int T, const float *row_scale) {
    const sam_model *m = t->m;
    const int C = m->c.C, BT = B * T;
    if (row_scale)
        for (int b = 0; b < B; b++) {
            float *d = t->dxf + (size_t)b * T * C;
            for (size_t i = 0; i < (size_t)T * C; i++) d[i] *= row_scale[b];
        }
    const blk_lora bl = pass_lora(t, row0);
    /* backward, top layer first */
    memset(t->dx, 0, (size_t)BT * C * sizeof(float));
    rmsnorm_backward(t->dx, t->dxf, t->xs[t->nad], m->norm, t->rstdf, BT, C);
    for (int i = t->nad - 1; i >= 0; i--) {
        blk_acts *a = &t->acts[t->ckpt ? 0 : i];
        if (t->ckpt) /* recompute this layer's activations from its stored input */
            blk_forward(a, t->xs[i + 1], t->xs[i], a->k, a->v, T, m, t->first + i, &bl, B, T, 0, BLK_RECOMPUTE, &t->s);
        blk_backward(t->dx, a, t->xs[i], m, t->first + i, &bl, B, T, i > 0, &t->s, &t->g);
    }
}

void trn_micro_begin(sam_trainer *t, int B) {
    if (B > t->passB) memcpy(t->grad_save, t->grad, t->l->nparams * sizeof(float));
}

void trn_micro_abort(sam_trainer *t, int B) {
    if (B > t->passB) memcpy(t->grad, t->grad_save, t->l->nparams * sizeof(float));
}

void trn_micro_end(sam_trainer *t, int B) {
    t->micro++;
    t->counter += (uint64_t)((B + t->passB - 1) / t->passB);
}

static int count_targets(const int32_t *lengths, const uint8_t *loss_mask, int B, int T) {
    int n = 0;
    for (int b = 0; b < B; b++)
        for (int i = 1; i < lengths[b]; i++) n += loss_mask[(size_t)b * T + i] != 0;
    return n;
}

/* The supervised micro-batch, pass by pass: loss sum_b w_b CE_b / n (w NULL: all 1) with n all scored
 * targets of the micro-batch, so the passes add up to the one-pass gradient. A pass without scored
 * targets adds nothing and is skipped. */
static int accumulate_rows(sam_trainer *t, const char *who, const int32_t *tokens, const int32_t *lengths,
                           const uint8_t *loss_mask, const float *w, int B, int T, double *mean_loss, int64_t *num_targets) {
    int rc = trn_check_batch(t, who, tokens, lengths, loss_mask, B, T);
    if (rc) return rc;
    /* the scored-target count is known before the gather: the CE gradient is scaled by 1/n there */
    const int ntot = count_targets(lengths, loss_mask, B, T);
    const float gscale = ntot > 0 ? 1.0f / (float)ntot : 1.0f;
    double sum = 0.0;
    int n = 0;
    trn_micro_begin(t, B);
    for (int b0 = 0; b0 < B; b0 += t->passB) {
        const int nb = B - b0 < t->passB ? B - b0 : t->passB;
        const size_t o = (size_t)b0 * T;
        if (ntot > 0 && count_targets(lengths + b0, loss_mask + o, nb, T) == 0) continue;
        if ((rc = trn_forward_ce(t, who, b0, tokens + o, lengths + b0, loss_mask + o, nb, T, gscale,
                                 w ? w + b0 : NULL, NULL, &sum, &n))) {
            trn_micro_abort(t, B);
            return rc;
        }
        trn_backward(t, b0, nb, T, w ? w + b0 : NULL);
    }
    trn_micro_end(t, B);
    if (mean_loss) *mean_loss = sum / n;
    if (num_targets) *num_targets = n;
    return SAM_OK;
}

int sam_train_accumulate(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                         const uint8_t *loss_mask, int32_t batch, int32_t seq_len,
                         double *mean_loss, int64_t *num_targets) {
    if (!t) return err_set(SAM_ERR_INVALID_ARG, "sam_train_accumulate: trainer is NULL. HINT: create it with sam_trainer_create.");
    return accumulate_rows(t, "sam_train_accumulate", tokens, lengths, loss_mask, NULL, batch, seq_len, mean_loss, num_targets);
}

/* Per-sample weights (SAM's training.weighting): row b's cross-entropy is multiplied by weights[b]
 * before the backward, so the micro-batch loss is sum_b w_b * CE_b / n with n all scored targets.
 * Weighting the gradient rows of dCE/dxf is exact because rows are independent sequences: nothing
 * flows between rows in attention, so a row with weight 0 adds exactly nothing. */
int sam_train_accumulate_weighted(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                                  const uint8_t *loss_mask, const float *weights, int32_t batch, int32_t seq_len,
                                  double *mean_loss, int64_t *num_targets) {
    if (!weights) return sam_train_accumulate(t, tokens, lengths, loss_mask, batch, seq_len, mean_loss, num_targets);
    if (!t) return err_set(SAM_ERR_INVALID_ARG, "sam_train_accumulate_weighted: trainer is NULL. HINT: create it with sam_trainer_create.");
    if (batch >= 1 && batch <= t->maxB) /* larger batches are refused by trn_check_batch */
        for (int b = 0; b < batch; b++)
            if (!(weights[b] >= 0.0f) || !isfinite(weights[b]))
                return err_set(SAM_ERR_INVALID_ARG, "sam_train_accumulate_weighted: weights[%d] = %g; weights must be finite and >= 0. "
                               "HINT: normalize sample qualities to non-negative weights.", b, (double)weights[b]);
    return accumulate_rows(t, "sam_train_accumulate_weighted", tokens, lengths, loss_mask, weights, batch, seq_len, mean_loss, num_targets);
}

int sam_trainer_read_grad(const sam_trainer *t, int32_t index, float *out) {
    if (!t || !out) return err_set(SAM_ERR_INVALID_ARG, "sam_trainer_read_grad: NULL %s. HINT: pass a trainer and a buffer of rows*cols floats.", !t ? "trainer" : "out");
    if (index < 0 || index >= t->l->nt)
        return err_set(SAM_ERR_INVALID_ARG, "sam_trainer_read_grad: tensor index %d is out of range [0, %d). HINT: use sam_lora_num_tensors.", index, t->l->nt);
    if (t->micro == 0) return err_set(SAM_ERR_STATE, "sam_trainer_read_grad: no gradient accumulated since the last apply. HINT: call sam_train_accumulate first.");
    const lora_tensor *lt = &t->l->t[index];
    const float inv = 1.0f / (float)t->micro;
    for (size_t i = 0; i < (size_t)lt->rows * lt->cols; i++) out[i] = t->grad[lt->off + i] * inv;
    return SAM_OK;
}

int sam_train_apply(sam_trainer *t, sam_step_stats *stats) {
    if (!t) return err_set(SAM_ERR_INVALID_ARG, "sam_train_apply: trainer is NULL. HINT: create it with sam_trainer_create.");
    if (t->micro == 0) return err_set(SAM_ERR_STATE, "sam_train_apply: nothing accumulated since the last step. HINT: call sam_train_accumulate for each micro-batch first.");
    const size_t n = t->l->nparams;
    const float inv = 1.0f / (float)t->micro;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double gi = (double)(t->grad[i] * inv);
        ss += gi * gi;
    }
    const double norm = sqrt(ss);
    const int micro = t->micro;
    if (!isfinite(norm)) {
        memset(t->grad, 0, n * sizeof(float));
        t->micro = 0;
        return err_set(SAM_ERR_NUMERIC, "sam_train_apply: the gradient norm is NaN or Inf; the step was skipped and the gradients discarded. "
                       "HINT: lower the learning rate, enable grad_clip, or resume from an earlier checkpoint.");
    }
    const sam_train_config *c = &t->cfg;
    const float clip = (c->grad_clip > 0.0f && norm > c->grad_clip) ? (float)(c->grad_clip / norm) : 1.0f;
    const float lr = lr_at(c, t->step);
    const double tt = (double)(t->step + 1);
    const float bc1 = (float)(1.0 - pow(c->beta1, tt)), bc2 = (float)(1.0 - pow(c->beta2, tt));
    const float b1 = c->beta1, b2 = c->beta2, decay = 1.0f - lr * c->weight_decay;
    float *p = t->l->data;
    for (size_t i = 0; i < n; i++) {
        const float g = t->grad[i] * inv * clip;
        t->m1[i] = b1 * t->m1[i] + (1.0f - b1) * g;
        t->m2[i] = b2 * t->m2[i] + (1.0f - b2) * g * g;
        const float mh = t->m1[i] / bc1, vh = t->m2[i] / bc2;
        p[i] = p[i] * decay - lr * (mh / (sqrtf(vh) + c->eps)); /* AdamW (Loshchilov & Hutter), PyTorch order */
    }
    memset(t->grad, 0, n * sizeof(float));
    t->micro = 0;
    t->step++;
    if (stats) {
        stats->step = t->step;
        stats->learning_rate = lr;
        stats->grad_norm = (float)norm;
        stats->micro_batches = micro;
    }
    return SAM_OK;
}

/* ---- checkpoints ---- */

/* Metadata fields that must match between a checkpoint and the trainer loading it. */
#define NFIELDS 22
typedef struct { const char *key; char val[64]; } ckpt_field;

static void ckpt_fields(const sam_trainer *t, ckpt_field f[NFIELDS]) {
    const mdl_config *c = &t->m->c;
    const sam_lora *l = t->l;
    const sam_train_config *tc = &t->cfg;
    const wmat *w = &t->m->layers[0].w[MOD_Q];
    int i = 0;
#define FI(k, ...) do { f[i].key = k; fmt_c(f[i].val, sizeof f[i].val, __VA_ARGS__); i++; } while (0)
    FI("model.hidden_size", "%d", c->C);
    FI("model.num_layers", "%d", c->L);
    FI("model.heads", "%d/%d", c->H, c->KV);
    FI("model.head_dim", "%d", c->D);
    FI("model.intermediate_size", "%d", c->I);
    FI("model.vocab_size", "%d", c->V);
    if (w->kind == WM_Q) FI("model.weights", "q%d/g%d", w->bits, w->group);
    else FI("model.weights", "%s", w->kind == WM_F32 ? "f32" : w->kind == WM_F16 ? "f16" : "bf16");
    FI("lora.rank", "%d", l->r);
    FI("lora.scale", "%.9g", l->scale);
    FI("lora.dropout", "%.9g", l->dropout);
    FI("lora.num_layers", "%d", l->cfg.num_layers);
    FI("lora.targets", "0x%x", l->cfg.targets);
    FI("train.learning_rate", "%.9g", tc->learning_rate);
    FI("train.betas", "%.9g/%.9g", tc->beta1, tc->beta2);
    FI("train.eps", "%.9g", tc->eps);
    FI("train.weight_decay", "%.9g", tc->weight_decay);
    FI("train.grad_clip", "%.9g", tc->grad_clip);
    FI("train.lr_schedule", "%s", tc->lr_schedule == SAM_LR_COSINE ? "cosine" : "constant");
    FI("train.warmup_steps", "%d", tc->warmup_steps);
    FI("train.total_steps", "%d", tc->total_steps);
    FI("train.min_lr", "%.9g", tc->min_lr);
    FI("train.seed", "%llu", (unsigned long long)tc->seed);
#undef FI
}

/* Name of tensor i of part k in a checkpoint: 0 adapter, 1 first moment, 2 second moment. */
static const char *ckpt_name(char *buf, size_t cap, int k, const lora_tensor *lt) {
    if (k == 0) snprintf(buf, cap, "%s", lt->name);
    else snprintf(buf, cap, "optimizer.%s.%s", k == 1 ? "m" : "v", lt->name);
    return buf;
}

int sam_checkpoint_save(const sam_trainer *t, const char *path) {
    if (!t || !path) return err_set(SAM_ERR_INVALID_ARG, "sam_checkpoint_save: NULL %s. HINT: pass a trainer and a file path.", !t ? "trainer" : "path");
    if (t->micro > 0)
        return err_set(SAM_ERR_STATE, "sam_checkpoint_save: %d micro-batch%s accumulated but not applied; a checkpoint between accumulate and apply would lose them. "
                       "HINT: call sam_train_apply first (checkpoint at optimizer-step boundaries).", t->micro, t->micro == 1 ? " is" : "es are");
    const sam_lora *l = t->l;
    ckpt_field f[NFIELDS];
    ckpt_fields(t, f);
    char step[32], ctr[32];
    fmt_c(step, sizeof step, "%lld", (long long)t->step);
    fmt_c(ctr, sizeof ctr, "%llu", (unsigned long long)t->counter);
    const char *meta[2 * (NFIELDS + 4)];
    int nm = 0;
    meta[2 * nm] = "format"; meta[2 * nm++ + 1] = CKPT_FORMAT;
    meta[2 * nm] = "format_version"; meta[2 * nm++ + 1] = CKPT_VERSION;
    meta[2 * nm] = "step"; meta[2 * nm++ + 1] = step;
    meta[2 * nm] = "rng.dropout_counter"; meta[2 * nm++ + 1] = ctr;
    for (int i = 0; i < NFIELDS; i++) { meta[2 * nm] = f[i].key; meta[2 * nm++ + 1] = f[i].val; }

    st_wtensor *w = XCALLOC((size_t)l->nt * 3, sizeof *w, "checkpoint tensor list");
    char (*names)[160] = XCALLOC((size_t)l->nt * 3, sizeof *names, "checkpoint names");
    if (!w || !names) { free(w); free(names); return SAM_ERR_NOMEM; }
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < l->nt; i++) {
            st_wtensor *x = &w[k * l->nt + i];
            const lora_tensor *lt = &l->t[i];
            x->name = ckpt_name(names[k * l->nt + i], sizeof names[0], k, lt);
            x->dtype = ST_F32;
            x->ndim = 2;
            x->shape[0] = lt->rows;
            x->shape[1] = lt->cols;
            x->data = (k == 0 ? l->data : k == 1 ? t->m1 : t->m2) + lt->off;
        }
    int rc = st_write_atomic(path, w, 3 * l->nt, meta, nm);
    free(w);
    free(names);
    return rc;
}

int sam_checkpoint_load(sam_trainer *t, const char *path) {
    if (!t || !path) return err_set(SAM_ERR_INVALID_ARG, "sam_checkpoint_load: NULL %s. HINT: pass a trainer and a checkpoint path.", !t ? "trainer" : "path");
    st_file f;
    int rc = st_open(&f, path);
    if (rc) return rc;
    const char *fmt = st_meta(&f, "format"), *ver = st_meta(&f, "format_version");
    const char *step = st_meta(&f, "step"), *ctr = st_meta(&f, "rng.dropout_counter");
    if (!fmt || strcmp(fmt, CKPT_FORMAT) != 0 || !ver || !step || !ctr) {
        st_close(&f);
        return err_set(SAM_ERR_FORMAT, "%s is not a samtrain checkpoint (metadata format=\"%s\"). HINT: pass a file written by sam_checkpoint_save; adapters.safetensors holds no optimizer state.",
                       path, fmt ? fmt : "(none)");
    }
    if (strcmp(ver, CKPT_VERSION) != 0) {
        st_close(&f);
        return err_set(SAM_ERR_FORMAT, "%s has checkpoint format version %s; this library reads version %s. HINT: resume with the SAM version that wrote it.", path, ver, CKPT_VERSION);
    }
    ckpt_field fl[NFIELDS];
    ckpt_fields(t, fl);
    strbuf sb;
    sb_init(&sb);
    int bad = 0;
    for (int i = 0; i < NFIELDS; i++) {
        const char *v = st_meta(&f, fl[i].key);
        if (!v || strcmp(v, fl[i].val) != 0) sb_printf(&sb, "%s%s: checkpoint %s, trainer %s", bad++ ? "; " : "", fl[i].key, v ? v : "(missing)", fl[i].val);
    }
    const sam_lora *l = t->l;
    for (int k = 0; k < 3 && !bad; k++)
        for (int i = 0; i < l->nt; i++) {
            char name[160];
            const lora_tensor *lt = &l->t[i];
            const st_tensor *s = st_find(&f, ckpt_name(name, sizeof name, k, lt));
            if (!s || s->dtype != ST_F32 || s->ndim != 2 || s->shape[0] != lt->rows || s->shape[1] != lt->cols)
                sb_printf(&sb, "%stensor %s %s", bad++ ? "; " : "", name, s ? "has the wrong dtype or shape" : "is missing");
        }
    char *end = NULL;
    const long long stepv = strtoll(step, &end, 10);
    if (!bad && (*end || stepv < 0)) sb_printf(&sb, "%sstep '%s' is not a number", bad++ ? "; " : "", step);
    const unsigned long long ctrv = strtoull(ctr, &end, 10);
    if (!bad && *end) sb_printf(&sb, "%srng.dropout_counter '%s' is not a number", bad++ ? "; " : "", ctr);
    if (bad) {
        st_close(&f);
        return err_set(SAM_ERR_SHAPE, "%s was written for a different model, adapter or training configuration: %s. "
                       "HINT: resume with exactly the configuration of the original run (same base model, LoRA settings and optimizer settings), or start a new run.",
                       path, sb.buf);
    }
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < l->nt; i++) {
            char name[160];
            const lora_tensor *lt = &l->t[i];
            const st_tensor *s = st_find(&f, ckpt_name(name, sizeof name, k, lt));
            memcpy((k == 0 ? l->data : k == 1 ? t->m1 : t->m2) + lt->off, s->data, s->nbytes);
        }
    st_close(&f);
    t->step = stepv;
    t->counter = ctrv;
    memset(t->grad, 0, l->nparams * sizeof(float));
    t->micro = 0;
    return SAM_OK;
}
