/* block.c — a Qwen2 decoder layer (HF Qwen2DecoderLayer):
 *   h   = x + o_proj(attn(rope(q_proj(rms1(x))), rope(k_proj(rms1(x))), v_proj(rms1(x))))
 *   out = h + down_proj(silu(gate_proj(rms2(h))) * up_proj(rms2(h)))
 * with LoRA branches on the adapted projections. The backward mirrors the forward in reverse. */
#include "block.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "matmul.h"
#include "rng.h"

#define TILE_MAX_FLOATS ((size_t)1 << 20) /* 4 MiB of converted weight rows per tile */

static int lora_op_get(const blk_lora *bl, int layer, int mod, lora_op *op) {
    const sam_lora *l = bl ? bl->l : NULL;
    if (!l || layer < l->first) return 0;
    const lora_mod *lm = &l->mods[layer * MOD_COUNT + mod];
    if (!lm->on) return 0;
    op->A = l->data + lm->offA;
    op->B = l->data + lm->offB;
    op->dA = bl->grad ? bl->grad + lm->offA : NULL;
    op->dB = bl->grad ? bl->grad + lm->offB : NULL;
    op->in = lm->in;
    op->out = lm->out;
    op->r = l->r;
    op->scale = l->scale;
    op->p = bl->p;
    op->key = bl->p > 0.0f ? dropout_key(bl->seed, bl->counter, layer, mod) : 0;
    return 1;
}

void blk_embed(float *x, const int32_t *tokens, int n, const sam_model *m) {
    const int C = m->c.C;
    for (int i = 0; i < n; i++) wmat_rows(&m->embed, tokens[i] < 0 ? 0 : tokens[i], 1, x + (size_t)i * C);
}

int blk_nonfinite_error(int layer, long idx, int C, int T) {
    const long tok = idx / C;
    if (layer >= 0)
        return err_set(SAM_ERR_NUMERIC, "non-finite activation (NaN or Inf) in the output of model.layers.%d at row %ld, position %ld. "
                       "HINT: the model weights may be corrupt (re-download them) or the adapters diverged (lower the learning rate, resume from an earlier checkpoint).",
                       layer, tok / T, tok % T);
    return err_set(SAM_ERR_NUMERIC, "non-finite loss (NaN or Inf) at row %ld, position %ld. "
                   "HINT: the adapters diverged (lower the learning rate, enable grad_clip, resume from an earlier checkpoint) or the model weights are corrupt.",
                   tok / T, tok % T);
}

int blk_forward_layers(blk_acts *a, float *x, const sam_model *m, const blk_lora *bl, int l0, int l1,
                       int B, int T, int p0, float *kcache, float *vcache, int ctx, blk_scratch *s) {
    const size_t lsz = (size_t)B * ctx * m->c.KVD;
    for (int layer = l0; layer < l1; layer++) {
        float *kc = kcache ? kcache + layer * lsz : a->k, *vc = vcache ? vcache + layer * lsz : a->v;
        blk_forward(a, x, x, kc, vc, kcache ? ctx : T, m, layer, bl, B, T, p0, BLK_FULL, s);
        long bad = first_nonfinite(x, (size_t)B * T * m->c.C);
        if (bad >= 0) return blk_nonfinite_error(layer, bad, m->c.C, T);
    }
    return SAM_OK;
}

/* y (M, ldo) = x W^T + b, plus the LoRA branch of (layer, mod) when adapted. */
static void proj_forward(float *y, int ldo, float *xa, const float *x, const sam_model *m, int layer, int mod,
                         const float *bias, const blk_lora *bl, int M, blk_scratch *s) {
    linear_forward(y, ldo, x, &m->layers[layer].w[mod], bias, M, s->tile, s->tile_floats);
    lora_op op;
    if (lora_op_get(bl, layer, mod, &op)) lora_forward(y, ldo, xa, x, &op, M, s->dropx);
}

void blk_forward(blk_acts *a, float *out, const float *x, float *kc, float *vc, int ctx,
                 const sam_model *m, int layer, const blk_lora *bl, int B, int T, int p0,
                 int mode, blk_scratch *s) {
    const mdl_config *c = &m->c;
    const mdl_layer *ly = &m->layers[layer];
    const int BT = B * T, C = c->C, KVD = c->KVD, HD = c->HD;
    float *knew = kc + (size_t)p0 * KVD, *vnew = vc + (size_t)p0 * KVD;

    rmsnorm_forward(a->xn1, a->rstd1, x, ly->ln1, BT, C, c->eps);
    proj_forward(a->q, HD, a->xa[MOD_Q], a->xn1, m, layer, MOD_Q, ly->bq, bl, BT, s);
    proj_forward(knew, KVD, a->xa[MOD_K], a->xn1, m, layer, MOD_K, ly->bk, bl, BT, s);
    proj_forward(vnew, KVD, a->xa[MOD_V], a->xn1, m, layer, MOD_V, ly->bv, bl, BT, s);
    rope_forward(a->q, s->cos_t, s->sin_t, B, T, p0, c->H, c->D, HD);
    rope_forward(knew, s->cos_t, s->sin_t, B, T, p0, c->KV, c->D, KVD);
    for (int b = 0; b < B; b++)
        attention_forward(a->att + (size_t)b * T * HD, a->probs,
                          a->q + (size_t)b * T * HD, kc + (size_t)b * ctx * KVD, vc + (size_t)b * ctx * KVD,
                          T, p0, c->H, c->KV, c->D);
    proj_forward(a->h, C, a->xa[MOD_O], a->att, m, layer, MOD_O, NULL, bl, BT, s);
    for (size_t i = 0; i < (size_t)BT * C; i++) a->h[i] += x[i];

    rmsnorm_forward(a->xn2, a->rstd2, a->h, ly->ln2, BT, C, c->eps);
    proj_forward(a->gate, c->I, a->xa[MOD_GATE], a->xn2, m, layer, MOD_GATE, NULL, bl, BT, s);
    proj_forward(a->up, c->I, a->xa[MOD_UP], a->xn2, m, layer, MOD_UP, NULL, bl, BT, s);
    lora_op op;
    const int down_adapted = lora_op_get(bl, layer, MOD_DOWN, &op);
    if (mode == BLK_RECOMPUTE) {
        /* Backward needs gate, up and (adapted down_proj) the LoRA input product, not the layer output
         * (stored as the next layer's input): skip down_proj, the costliest third of the MLP. */
        if (down_adapted) {
            swiglu_forward(a->act, a->gate, a->up, (size_t)BT * c->I);
            lora_down_product(a->xa[MOD_DOWN], a->act, &op, BT, s->dropx);
        }
        return;
    }
    swiglu_forward(a->act, a->gate, a->up, (size_t)BT * c->I);
    proj_forward(out, C, a->xa[MOD_DOWN], a->act, m, layer, MOD_DOWN, NULL, bl, BT, s);
    for (size_t i = 0; i < (size_t)BT * C; i++) out[i] += a->h[i];
}

/* dx_in (M, in) = beta dx_in + dy W (+ LoRA input grad), LoRA grads accumulated. dx_in may be NULL
 * (only the LoRA weight gradients are wanted). */
static void proj_backward(float *dx_in, float beta, const float *dy, int ldy, const float *x, const float *xa,
                          const sam_model *m, int layer, int mod, const blk_lora *bl, int M, blk_scratch *s) {
    if (dx_in) linear_backward_input(dx_in, beta, dy, ldy, &m->layers[layer].w[mod], M, s->tile, s->tile_floats);
    lora_op op;
    if (lora_op_get(bl, layer, mod, &op)) lora_backward(dx_in, dy, ldy, x, xa, &op, M, s->du, s->dropx);
}

void blk_backward(float *dx, const blk_acts *a, const float *x, const sam_model *m, int layer,
                  const blk_lora *bl, int B, int T, int need_dx, blk_scratch *s, blk_grads *g) {
    const mdl_config *c = &m->c;
    const mdl_layer *ly = &m->layers[layer];
    const int BT = B * T, C = c->C, KVD = c->KVD, HD = c->HD, I = c->I;
    /* Below this layer's attention branch we only need gradients if the caller wants dL/dx or the
     * attention projections are adapted. */
    const int attn_needed = need_dx || lora_layer_has(bl->l, layer, 1);

    /* MLP branch: out = h + down(act) */
    proj_backward(g->dact, 0.0f, dx, C, a->act, a->xa[MOD_DOWN], m, layer, MOD_DOWN, bl, BT, s);
    swiglu_backward(g->dgate, g->dup, g->dact, a->gate, a->up, (size_t)BT * I);
    float *dxn2 = attn_needed ? g->dxn : NULL;
    proj_backward(dxn2, 0.0f, g->dgate, I, a->xn2, a->xa[MOD_GATE], m, layer, MOD_GATE, bl, BT, s);
    proj_backward(dxn2, 1.0f, g->dup, I, a->xn2, a->xa[MOD_UP], m, layer, MOD_UP, bl, BT, s);
    if (!attn_needed) return;
    rmsnorm_backward(dx, g->dxn, a->h, ly->ln2, a->rstd2, BT, C); /* dx is now dL/dh */

    /* attention branch: h = x + o_proj(att) */
    proj_backward(g->datt, 0.0f, dx, C, a->att, a->xa[MOD_O], m, layer, MOD_O, bl, BT, s);
    memset(g->dk, 0, (size_t)BT * KVD * sizeof(float));
    memset(g->dv, 0, (size_t)BT * KVD * sizeof(float));
    for (int b = 0; b < B; b++) {
        const size_t qo = (size_t)b * T * HD, ko = (size_t)b * T * KVD;
        attention_backward(g->dq + qo, g->dk + ko, g->dv + ko, a->probs, g->dP, g->datt + qo,
                           a->q + qo, a->k + ko, a->v + ko, T, c->H, c->KV, c->D);
    }
    rope_backward(g->dq, s->cos_t, s->sin_t, B, T, 0, c->H, c->D, HD);
    rope_backward(g->dk, s->cos_t, s->sin_t, B, T, 0, c->KV, c->D, KVD);
    float *dxn1 = need_dx ? g->dxn : NULL;
    proj_backward(dxn1, 0.0f, g->dq, HD, a->xn1, a->xa[MOD_Q], m, layer, MOD_Q, bl, BT, s);
    proj_backward(dxn1, 1.0f, g->dk, KVD, a->xn1, a->xa[MOD_K], m, layer, MOD_K, bl, BT, s);
    proj_backward(dxn1, 1.0f, g->dv, KVD, a->xn1, a->xa[MOD_V], m, layer, MOD_V, bl, BT, s);
    if (need_dx) rmsnorm_backward(dx, g->dxn, x, ly->ln1, a->rstd1, BT, C); /* dx is now dL/dx */
}

int blk_check_batch(const char *who, const sam_model *m, const int32_t *tokens, const int32_t *lengths,
                       const uint8_t *mask, int32_t batch, int32_t seq_len, int max_batch, int max_seq) {
    if (!tokens || !lengths || !mask)
        return err_set(SAM_ERR_INVALID_ARG, "%s: NULL %s. HINT: pass tokens [batch, seq_len], lengths [batch] and loss_mask [batch, seq_len].",
                       who, !tokens ? "tokens" : !lengths ? "lengths" : "loss_mask");
    if (batch <= 0) return err_set(SAM_ERR_INVALID_ARG, "%s: empty batch (batch = %d). HINT: pass at least one row.", who, batch);
    if (batch > max_batch)
        return err_set(SAM_ERR_INVALID_ARG, "%s: batch %d exceeds max_batch %d the trainer was created with. HINT: split the batch or create the trainer with a larger max_batch.", who, batch, max_batch);
    if (seq_len <= 0) return err_set(SAM_ERR_INVALID_ARG, "%s: seq_len %d must be positive. HINT: pass the padded row length.", who, seq_len);
    if (seq_len > max_seq)
        return err_set(SAM_ERR_INVALID_ARG, "%s: seq_len %d exceeds max_seq_len %d. HINT: truncate the samples to max_seq_len tokens or create the trainer with a larger max_seq_len.", who, seq_len, max_seq);
    for (int b = 0; b < batch; b++) {
        if (lengths[b] < 0 || lengths[b] > seq_len)
            return err_set(SAM_ERR_INVALID_ARG, "%s: lengths[%d] = %d is outside [0, seq_len = %d]. HINT: lengths count the valid (non-padding) tokens of each row.", who, b, lengths[b], seq_len);
        for (int i = 0; i < lengths[b]; i++) {
            int32_t id = tokens[(size_t)b * seq_len + i];
            if (id < 0 || id >= m->c.V)
                return err_set(SAM_ERR_INVALID_ARG, "%s: token %d at row %d, position %d is outside the vocabulary [0, %d). HINT: use the tokenizer of this model.", who, id, b, i, m->c.V);
        }
    }
    return SAM_OK;
}

int blk_ce_rows(int vocab, int max_rows) {
    int r = (int)(((size_t)16 << 20) / (size_t)vocab);
    r = r < 1 ? 1 : r > 128 ? 128 : r;
    return r > max_rows ? max_rows : r;
}

/* ---- planning ---- */

void plan_add(plan *p, float **ptr, size_t nfloats) {
    if (p->oom) return;
    if (p->n == p->cap) {
        int nc = p->cap ? p->cap * 2 : 64;
        plan_item *ni = realloc(p->it, (size_t)nc * sizeof *ni);
        if (!ni) { p->oom = 1; return; }
        p->it = ni;
        p->cap = nc;
    }
    nfloats = (nfloats + 15) & ~(size_t)15; /* keep every buffer 64-byte aligned */
    p->it[p->n++] = (plan_item){ptr, nfloats};
    p->total += nfloats;
}

int plan_commit(plan *p, float **base, const char *what) {
    *base = NULL;
    if (p->oom) return err_set(SAM_ERR_NOMEM, "out of memory planning %s. HINT: free memory.", what);
    void *mem = NULL;
    size_t bytes = (p->total ? p->total : 16) * sizeof(float);
    if (posix_memalign(&mem, 64, bytes) != 0)
        return err_set(SAM_ERR_NOMEM, "out of memory allocating %.1f MiB for %s. HINT: reduce max_batch, max_seq_len or max_context.",
                       (double)bytes / 1048576.0, what);
    memset(mem, 0, bytes);
    float *f = mem;
    for (int i = 0; i < p->n; i++) {
        *p->it[i].ptr = p->it[i].n ? f : NULL;
        f += p->it[i].n;
    }
    *base = mem;
    return SAM_OK;
}

void plan_free(plan *p) {
    free(p->it);
    memset(p, 0, sizeof *p);
}

void plan_acts(plan *p, blk_acts *a, const mdl_config *c, const sam_lora *l, int layer, int BT,
               size_t probs_floats, int own_kv, float *shared_xa) {
    memset(a, 0, sizeof *a);
    plan_add(p, &a->xn1, (size_t)BT * c->C);
    plan_add(p, &a->rstd1, (size_t)BT);
    plan_add(p, &a->q, (size_t)BT * c->HD);
    if (own_kv) {
        plan_add(p, &a->k, (size_t)BT * c->KVD);
        plan_add(p, &a->v, (size_t)BT * c->KVD);
    }
    plan_add(p, &a->probs, probs_floats);
    plan_add(p, &a->att, (size_t)BT * c->HD);
    plan_add(p, &a->h, (size_t)BT * c->C);
    plan_add(p, &a->xn2, (size_t)BT * c->C);
    plan_add(p, &a->rstd2, (size_t)BT);
    plan_add(p, &a->gate, (size_t)BT * c->I);
    plan_add(p, &a->up, (size_t)BT * c->I);
    plan_add(p, &a->act, (size_t)BT * c->I);
    if (!l) return;
    for (int mod = 0; mod < MOD_COUNT; mod++) {
        if (shared_xa) a->xa[mod] = shared_xa;
        else if (layer >= l->first && l->mods[layer * MOD_COUNT + mod].on) plan_add(p, &a->xa[mod], (size_t)BT * l->r);
    }
}

size_t model_tile_floats(const sam_model *m) {
    size_t need = 0;
    const wmat *all[2] = {&m->embed, &m->head};
    for (int i = 0; i < 2 + m->c.L * MOD_COUNT; i++) {
        const wmat *W = i < 2 ? all[i] : &m->layers[(i - 2) / MOD_COUNT].w[(i - 2) % MOD_COUNT];
        if (W->direct) continue;
        size_t t = (size_t)wmat_tile_rows(W, TILE_MAX_FLOATS) * W->cols;
        need = t > need ? t : need;
    }
    return need;
}

void plan_scratch(plan *p, blk_scratch *s, const sam_model *m, const sam_lora *l, int BT, int need_dropx) {
    const mdl_config *c = &m->c;
    memset(s, 0, sizeof *s);
    /* converted weight tiles (BLAS backend) or the packed activations of the builtin GEMM */
    s->tile_floats = model_tile_floats(m) > MM_WS_FLOATS ? model_tile_floats(m) : MM_WS_FLOATS;
    plan_add(p, &s->tile, s->tile_floats);
    if (l) {
        int mx = c->C > c->HD ? c->C : c->HD;
        mx = mx > c->I ? mx : c->I;
        if (need_dropx) plan_add(p, &s->dropx, (size_t)BT * mx);
        plan_add(p, &s->du, (size_t)BT * l->r);
    }
}

void plan_grads(plan *p, blk_grads *g, const mdl_config *c, int BT, int T) {
    memset(g, 0, sizeof *g);
    plan_add(p, &g->dxn, (size_t)BT * c->C);
    plan_add(p, &g->datt, (size_t)BT * c->HD);
    plan_add(p, &g->dq, (size_t)BT * c->HD);
    plan_add(p, &g->dk, (size_t)BT * c->KVD);
    plan_add(p, &g->dv, (size_t)BT * c->KVD);
    plan_add(p, &g->dgate, (size_t)BT * c->I);
    plan_add(p, &g->dup, (size_t)BT * c->I);
    plan_add(p, &g->dact, (size_t)BT * c->I);
    plan_add(p, &g->dP, (size_t)T * T);
}
