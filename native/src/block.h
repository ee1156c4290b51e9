/* block.h — one Qwen2 decoder layer (forward and backward), embedding, and the buffer planner that
 * sizes every activation/gradient buffer once ("one arena, pointers set by a size table").
 * Size legend: B rows, T tokens per row, BT = B*T, C hidden, HD = H*D, KVD = KV*D, I intermediate,
 * r LoRA rank, ctx KV-cache length per row. */
#ifndef SAM_BLOCK_H
#define SAM_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "layers.h"
#include "lora.h"
#include "model.h"

/* Activations of one layer. In inference they are scratch reused by every layer. */
typedef struct {
    float *xn1;   /* (BT, C) input_layernorm(x) */
    float *rstd1; /* (BT) */
    float *q;     /* (BT, HD) after bias and RoPE */
    float *k, *v; /* (BT, KVD) own K/V (training, eval); generation uses its KV cache instead */
    float *probs; /* (T, ctx) scratch: one head's attention probabilities (backward recomputes them) */
    float *att;   /* (BT, HD) attention output (o_proj input) */
    float *h;     /* (BT, C) x + attention branch */
    float *xn2;   /* (BT, C) post_attention_layernorm(h) */
    float *rstd2; /* (BT) */
    float *gate, *up, *act; /* (BT, I) act = silu(gate) * up */
    float *xa[MOD_COUNT];   /* (BT, r) dropout(x) A of each adapted module */
} blk_acts;

/* Scratch shared by the layers of one pass. */
typedef struct {
    float *tile;          /* (tile_floats) weight rows converted to fp32 */
    size_t tile_floats;
    float *dropx;         /* (BT, max(C, HD, I)) dropout(x) / backward temp */
    float *du;            /* (BT, r) */
    const float *cos_t, *sin_t; /* (npos, D/2) RoPE tables */
} blk_scratch;

/* Backward scratch. */
typedef struct {
    float *dxn;   /* (BT, C) */
    float *datt;  /* (BT, HD) */
    float *dq;    /* (BT, HD) */
    float *dk, *dv; /* (BT, KVD) */
    float *dgate, *dup, *dact; /* (BT, I) */
    float *dP;    /* (T, T) */
} blk_grads;

/* The adapters of a pass: l NULL means base model. grad (same layout as l->data) NULL in inference. */
typedef struct {
    const sam_lora *l;
    float *grad;
    float p;          /* dropout probability (0 in inference) */
    uint64_t seed, counter;
} blk_lora;

/* Embeds tokens (n) into x (n, C); rows whose token is < 0 (padding) get token 0. */
void blk_embed(float *x, const int32_t *tokens, int n, const sam_model *m);

/* Runs layers [l0, l1) in place on x (BT, C) with scratch activations a (nothing kept for backward).
 * kcache/vcache: per-layer caches (L, B, ctx, KVD) or NULL to use a->k/a->v with ctx = T.
 * Checks every layer output and returns SAM_ERR_NUMERIC naming the layer on NaN/Inf. */
int blk_forward_layers(blk_acts *a, float *x, const sam_model *m, const blk_lora *bl, int l0, int l1,
                       int B, int T, int p0, float *kcache, float *vcache, int ctx, blk_scratch *s);
/* SAM_ERR_NUMERIC message for a non-finite value at flat index idx of a layer output. */
int blk_nonfinite_error(int layer, long idx, int C, int T);

/* One decoder layer over B rows of T new tokens at positions p0..p0+T-1. x (BT, C) -> out (BT, C),
 * out may alias x. kc, vc: K/V cache base of this layer, row b at b*ctx*KVD; the new K/V rows are
 * written at position p0 (requires B == 1 or (p0 == 0 and ctx == T)).
 * mode: BLK_FULL the whole layer (inference and training; the attention probabilities are never kept,
 * blk_backward recomputes them head by head); BLK_RECOMPUTE rebuilds what blk_backward reads and
 * leaves out untouched. */
#define BLK_FULL 0
#define BLK_RECOMPUTE 2
void blk_forward(blk_acts *a, float *out, const float *x, float *kc, float *vc, int ctx,
                 const sam_model *m, int layer, const blk_lora *bl, int B, int T, int p0,
                 int mode, blk_scratch *s);

/* Backward of a layer whose forward stored a (p0 = 0, ctx = T). dx (BT, C): in dL/dout, out dL/dx
 * when need_dx (else unspecified). LoRA gradients are accumulated into bl->grad. */
void blk_backward(float *dx, const blk_acts *a, const float *x, const sam_model *m, int layer,
                  const blk_lora *bl, int B, int T, int need_dx, blk_scratch *s, blk_grads *g);

/* Rows per cross-entropy block: scored positions whose full-vocabulary logits are formed at once,
 * at most 16M floats (64 MiB; 110 rows for a 151936 vocabulary) and 128 rows, at most max_rows. */
int blk_ce_rows(int vocab, int max_rows);

/* Validates a token batch (NULLs, empty batch, sizes against the maxima, lengths, token ids). */
int blk_check_batch(const char *who, const sam_model *m, const int32_t *tokens, const int32_t *lengths,
                    const uint8_t *mask, int32_t batch, int32_t seq_len, int max_batch, int max_seq);

/* ---- buffer planning ---- */
typedef struct { float **ptr; size_t n; } plan_item;
typedef struct { plan_item *it; int n, cap; size_t total; int oom; } plan;
void plan_add(plan *p, float **ptr, size_t nfloats);
/* Allocates one 64-byte-aligned block for all items and sets the pointers (zero-filled). */
int plan_commit(plan *p, float **base, const char *what);
void plan_free(plan *p);

/* acts for BT tokens, probs of probs_floats, own K/V if own_kv, xa for l's adapted modules. */
void plan_acts(plan *p, blk_acts *a, const mdl_config *c, const sam_lora *l, int layer, int BT,
               size_t probs_floats, int own_kv, float *shared_xa);
void plan_scratch(plan *p, blk_scratch *s, const sam_model *m, const sam_lora *l, int BT, int need_dropx);
void plan_grads(plan *p, blk_grads *g, const mdl_config *c, int BT, int T);
/* Largest tile any converted matrix of m needs (0 when all weights are aligned fp32). */
size_t model_tile_floats(const sam_model *m);

#endif
