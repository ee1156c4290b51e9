/* infer.c — evaluation (per-row summed cross-entropy) and full-sequence logits. These may allocate
 * per call: one workspace sized for the longest row, rows processed one at a time so memory stays
 * bounded by one sequence. Cross-entropy uses the trainer's blocked scheme (see train.c). */
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "error.h"


typedef struct {
    float *arena;
    blk_acts a;
    blk_scratch s;
    float *x;            /* (T, C) residual stream */
    float *xf, *rstdf;   /* (T, C), (T) final norm */
    float *cos_t, *sin_t; /* (T, D/2) */
    float *ce_x, *ce_logits; /* (ce_rows, C), (ce_rows, V) */
    int ce_rows;
} infer_ws;

static int ws_create(infer_ws *w, const sam_model *m, const sam_lora *l, int T, int with_ce) {
    const mdl_config *c = &m->c;
    memset(w, 0, sizeof *w);
    plan p = {0};
    float *xa = NULL;
    if (l) plan_add(&p, &xa, (size_t)T * l->r); /* inference: one shared LoRA down-projection buffer */
    plan_acts(&p, &w->a, c, NULL, 0, T, (size_t)T * T, 1, NULL);
    plan_scratch(&p, &w->s, m, l, T, 0);
    plan_add(&p, &w->x, (size_t)T * c->C);
    plan_add(&p, &w->xf, (size_t)T * c->C);
    plan_add(&p, &w->rstdf, (size_t)T);
    plan_add(&p, &w->cos_t, (size_t)T * c->D / 2);
    plan_add(&p, &w->sin_t, (size_t)T * c->D / 2);
    if (with_ce) {
        w->ce_rows = blk_ce_rows(c->V, T);
        plan_add(&p, &w->ce_x, (size_t)w->ce_rows * c->C);
        plan_add(&p, &w->ce_logits, (size_t)w->ce_rows * c->V);
    }
    int rc = plan_commit(&p, &w->arena, "the evaluation workspace");
    plan_free(&p);
    if (rc) return rc;
    if (l)
        for (int mod = 0; mod < MOD_COUNT; mod++) w->a.xa[mod] = xa;
    rope_table(w->cos_t, w->sin_t, T, c->D, c->theta);
    w->s.cos_t = w->cos_t;
    w->s.sin_t = w->sin_t;
    return SAM_OK;
}

/* Embeds and runs all layers and the final norm over one sequence of n tokens into w->xf. */
static int ws_forward(infer_ws *w, const sam_model *m, const sam_lora *l, const int32_t *tokens, int n) {
    const blk_lora bl = {l, NULL, 0.0f, 0, 0};
    blk_embed(w->x, tokens, n, m);
    int rc = blk_forward_layers(&w->a, w->x, m, &bl, 0, m->c.L, 1, n, 0, NULL, NULL, n, &w->s);
    if (rc) return rc;
    rmsnorm_forward(w->xf, w->rstdf, w->x, m->norm, n, m->c.C, m->c.eps);
    return SAM_OK;
}

static int check_model_lora(const char *who, const sam_model *m, const sam_lora *l) {
    if (!m) return err_set(SAM_ERR_INVALID_ARG, "%s: model is NULL. HINT: open it with sam_model_open.", who);
    return l ? lora_matches_model(l, m, who) : SAM_OK;
}

int sam_eval_loss(const sam_model *m, const sam_lora *l, const int32_t *tokens, const int32_t *lengths,
                  const uint8_t *loss_mask, int32_t batch, int32_t seq_len,
                  double *loss_sum, int64_t *num_targets) {
    int rc = check_model_lora("sam_eval_loss", m, l);
    if (rc) return rc;
    if ((rc = blk_check_batch("sam_eval_loss", m, tokens, lengths, loss_mask, batch, seq_len, 1 << 20, 1 << 20))) return rc;
    if (!loss_sum || !num_targets) return err_set(SAM_ERR_INVALID_ARG, "sam_eval_loss: NULL %s. HINT: pass arrays of batch elements.", !loss_sum ? "loss_sum" : "num_targets");
    int maxlen = 1;
    for (int b = 0; b < batch; b++) maxlen = lengths[b] > maxlen ? lengths[b] : maxlen;
    infer_ws w;
    if ((rc = ws_create(&w, m, l, maxlen, 1))) return rc;
    const int C = m->c.C;
    double *closs = XMALLOC((size_t)w.ce_rows * (sizeof(double) + sizeof(int32_t)), "evaluation targets");
    if (!closs) { free(w.arena); return SAM_ERR_NOMEM; }
    int32_t *tgt = (int32_t *)(void *)(closs + w.ce_rows); /* (ce_rows) */
    for (int b = 0; b < batch && !rc; b++) {
        const int32_t *row = tokens + (size_t)b * seq_len;
        const uint8_t *mrow = loss_mask + (size_t)b * seq_len;
        const int len = lengths[b];
        loss_sum[b] = 0.0;
        num_targets[b] = 0;
        int any = 0;
        for (int i = 1; i < len; i++) any |= mrow[i] != 0;
        if (!any) continue;
        if ((rc = ws_forward(&w, m, l, row, len))) break;
        /* scored positions i-1 -> token i, gathered in blocks */
        int nb = 0;
        for (int i = 1; i <= len; i++) {
            if (i < len && mrow[i]) {
                memcpy(w.ce_x + (size_t)nb * C, w.xf + (size_t)(i - 1) * C, C * sizeof(float));
                tgt[nb++] = row[i];
            }
            if (nb == w.ce_rows || (i == len && nb > 0)) {
                int bad = ce_forward_backward(closs, NULL, w.ce_x, tgt, nb, &m->head, 0.0f, w.ce_logits, w.s.tile, w.s.tile_floats);
                if (bad >= 0) { rc = blk_nonfinite_error(-1, (long)b * seq_len * C, C, seq_len); break; }
                for (int j = 0; j < nb; j++) loss_sum[b] += closs[j];
                num_targets[b] += nb;
                nb = 0;
            }
        }
    }
    free(closs);
    free(w.arena);
    return rc;
}

int sam_forward_logits(const sam_model *m, const sam_lora *l, const int32_t *tokens, int32_t n, float *logits) {
    int rc = check_model_lora("sam_forward_logits", m, l);
    if (rc) return rc;
    if (!tokens || !logits) return err_set(SAM_ERR_INVALID_ARG, "sam_forward_logits: NULL %s. HINT: pass n tokens and a buffer of n * vocab_size floats.", !tokens ? "tokens" : "logits");
    if (n <= 0) return err_set(SAM_ERR_INVALID_ARG, "sam_forward_logits: empty sequence (n = %d). HINT: pass at least one token.", n);
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= m->c.V)
            return err_set(SAM_ERR_INVALID_ARG, "sam_forward_logits: token %d at position %d is outside the vocabulary [0, %d). HINT: use the tokenizer of this model.", tokens[i], i, m->c.V);
    infer_ws w;
    if ((rc = ws_create(&w, m, l, n, 0))) return rc;
    if ((rc = ws_forward(&w, m, l, tokens, n)) == SAM_OK)
        linear_forward(logits, m->c.V, w.xf, &m->head, NULL, n, w.s.tile, w.s.tile_floats);
    free(w.arena);
    return rc;
}
