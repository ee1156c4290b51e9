/* layers.h — forward/backward pairs of the Qwen2 operations, llm.c style: flat functions, arguments
 * ordered outputs, inputs, weights, sizes; no allocation (callers pass scratch).
 * Size legend: N rows (tokens), C hidden, T sequence length, nk keys in the cache, H query heads,
 * KV key/value heads, D head dim, HD = H*D, KVD = KV*D, r LoRA rank, V vocabulary. */
#ifndef SAM_LAYERS_H
#define SAM_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "quant.h"

/* RMSNorm (HF Qwen2RMSNorm, fp32): out = x * rstd * w, rstd = 1/sqrt(mean(x^2) + eps). */
void rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int C, float eps);
/* dx += dL/dx given dout = dL/dout. */
void rmsnorm_backward(float *dx, const float *dout, const float *x, const float *w, const float *rstd, int N, int C);

/* RoPE tables: cos/sin (npos, D/2), inv_freq[i] = theta^(-2i/D), angles computed in double. */
void rope_table(float *cos_t, float *sin_t, int npos, int D, float theta);
/* Rotate-half RoPE in place on x (B*T rows, row stride ld, nh heads of D), positions p0 + t. */
void rope_forward(float *x, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld);
/* dx in place: the transpose rotation (RoPE is orthogonal). */
void rope_backward(float *dx, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld);

/* act = silu(gate) * up, n elements. */
void swiglu_forward(float *act, const float *gate, const float *up, size_t n);
void swiglu_backward(float *dgate, float *dup, const float *dact, const float *gate, const float *up, size_t n);

/* Causal GQA attention of one sequence: T queries at positions p0..p0+T-1 over nk = p0+T cached
 * keys. Query head h reads kv head h / (H/KV) (HF repeat_kv). Scale 1/sqrt(D).
 * att (T, HD); probs (T, nk) scratch (one head at a time); q (T, HD); k, v (nk, KVD). */
void attention_forward(float *att, float *probs, const float *q, const float *k, const float *v,
                       int T, int p0, int H, int KV, int D);
/* p0 = 0. dq (T, HD) = ...; dk, dv (T, KVD) are accumulated (+=); P, dP scratch (T, T) each: the
 * probabilities are recomputed head by head, bitwise as the forward made them. */
void attention_backward(float *dq, float *dk, float *dv, float *P, float *dP, const float *datt,
                        const float *q, const float *k, const float *v, int T, int H, int KV, int D);

/* out (M, ldo) = x (M, in) W^T (+ bias): W (out, in) converted tile by tile into tile (tile_floats). */
void linear_forward(float *out, int ldo, const float *x, const wmat *W, const float *bias, int M,
                    float *tile, size_t tile_floats);
/* dx (M, in) = beta * dx + dy (M, out; row stride ldy) W. */
void linear_backward_input(float *dx, float beta, const float *dy, int ldy, const wmat *W, int M,
                           float *tile, size_t tile_floats);

/* One LoRA branch y += scale * (dropout(x) A) B. dA/dB NULL in inference. Dropout: element i of
 * the (M, in) input is kept iff dropout_bits(key, i) >= p * 2^32, then scaled by 1/(1-p). */
typedef struct {
    const float *A, *B; /* (in, r), (r, out) */
    float *dA, *dB;     /* gradients (accumulated), or NULL */
    int in, out, r;
    float scale, p;
    uint64_t key;
} lora_op;
/* dst (n) = dropout(src) with index base i0 (row-major index of src[0] in the (M, in) input). */
void dropout_forward(float *dst, const float *src, size_t n, uint64_t i0, float p, uint64_t key);
/* out (M, ldo) += scale * (dropout(x) A) B; xa (M, r) receives dropout(x) A. dropx (M, in) scratch. */
void lora_forward(float *out, int ldo, float *xa, const float *x, const lora_op *op, int M, float *dropx);
/* xa (M, r) = dropout(x) A only (the part of lora_forward that backward reads). */
void lora_down_product(float *xa, const float *x, const lora_op *op, int M, float *dropx);
/* Accumulates dA, dB; dx (M, in) += dL/dx through the branch unless dx is NULL.
 * du (M, r) and dropx (M, in) are scratch. */
void lora_backward(float *dx, const float *dy, int ldy, const float *x, const float *xa, const lora_op *op,
                   int M, float *du, float *dropx);

/* Cross-entropy over n rows of final hidden states x (n, C) with head W (V, C):
 * loss[i] = logsumexp(x_i W^T) - (x_i W^T)[tgt[i]] (double). When dx != NULL also
 * dx (n, C) = gscale * (softmax - onehot(tgt)) W. logits (n, V) scratch.
 * Returns the first row whose loss is not finite, or -1. */
int ce_forward_backward(double *loss, float *dx, const float *x, const int32_t *tgt, int n, const wmat *W,
                        float gscale, float *logits, float *tile, size_t tile_floats);

/* Index of the first non-finite value, or -1. */
long first_nonfinite(const float *x, size_t n);

#endif
