/* layers.c — see layers.h. Each backward is the exact adjoint of its forward; gradcheck in
 * tests/test_gradcheck.c. References: HF transformers models/qwen2/modeling_qwen2.py (RMSNorm,
 * rotate_half RoPE, repeat_kv, eager attention), karpathy/llm.c train_gpt2.c (structure). */
#include "layers.h"

#include <math.h>
#include <string.h>

#include "matmul.h"
#include "parallel.h"
#include "rng.h"

/* Loops below PAR_MIN elements stay serial. Parallel loops (par_for) use dynamic schedules: on a
 * laptop the cores are shared with the JVM and other programs, and a static split waits for a
 * descheduled thread. Results do not depend on the schedule (every row/element is computed by one
 * thread). Each loop body is a function over an index range [i0, i1) with its arguments in a struct. */
#define PAR_MIN 16384
#define THREADS(work) ((size_t)(work) >= PAR_MIN ? par_threads() : 1)

typedef struct { float *out, *rstd; const float *x, *w, *dout; int C; float eps; } norm_job;

static void rmsnorm_forward_rows(void *ctx, long i0, long i1) {
    const norm_job *jb = ctx;
    float *out = jb->out, *rstd = jb->rstd;
    const float *x = jb->x, *w = jb->w;
    const int C = jb->C;
    const float eps = jb->eps;
    for (long i = i0; i < i1; i++) {
        const float *xi = x + (size_t)i * C;
        float *oi = out + (size_t)i * C;
        double ss = 0.0;
        for (int j = 0; j < C; j++) ss += (double)xi[j] * xi[j];
        const float r = (float)(1.0 / sqrt(ss / C + (double)eps));
        for (int j = 0; j < C; j++) oi[j] = w[j] * (xi[j] * r);
        rstd[i] = r;
    }
}

void rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int C, float eps) {
    norm_job jb = {out, rstd, x, w, NULL, C, eps};
    par_for(N, 8, THREADS((size_t)N * C), rmsnorm_forward_rows, &jb);
}

/* y_j = w_j x_j r, r = (mean(x^2) + eps)^-1/2: dx_j = r (w_j dy_j) - x_j r^3 / C * sum_k(w_k dy_k x_k). */
static void rmsnorm_backward_rows(void *ctx, long i0, long i1) {
    const norm_job *jb = ctx;
    float *dx = jb->out;
    const float *rstd = jb->rstd, *x = jb->x, *w = jb->w, *dout = jb->dout;
    const int C = jb->C;
    for (long i = i0; i < i1; i++) {
        const float *xi = x + (size_t)i * C, *di = dout + (size_t)i * C;
        float *dxi = dx + (size_t)i * C;
        const float r = rstd[i];
        double dot = 0.0;
        for (int j = 0; j < C; j++) dot += (double)w[j] * di[j] * xi[j];
        const float c = (float)(dot * r * r * r / C);
        for (int j = 0; j < C; j++) dxi[j] += r * (w[j] * di[j]) - xi[j] * c;
    }
}

void rmsnorm_backward(float *dx, const float *dout, const float *x, const float *w, const float *rstd, int N, int C) {
    norm_job jb = {dx, (float *)rstd, x, w, dout, C, 0.0f};
    par_for(N, 8, THREADS((size_t)N * C), rmsnorm_backward_rows, &jb);
}

void rope_table(float *cos_t, float *sin_t, int npos, int D, float theta) {
    const int half = D / 2;
    for (int i = 0; i < half; i++) {
        /* HF: inv_freq = 1 / theta^(arange(0, D, 2) / D) */
        const double inv = 1.0 / pow((double)theta, (2.0 * i) / D);
        for (int p = 0; p < npos; p++) {
            const double a = p * inv;
            cos_t[(size_t)p * half + i] = (float)cos(a);
            sin_t[(size_t)p * half + i] = (float)sin(a);
        }
    }
}

/* rotate_half: out[i] = x[i] cos - x[i+h] sin, out[i+h] = x[i+h] cos + x[i] sin (i < h = D/2). */
typedef struct { float *x; const float *cos_t, *sin_t; int T, p0, nh, D, ld; float sgn; } rope_job;
static void rope_rows(void *ctx, long n0, long n1) {
    const rope_job *jb = ctx;
    float *x = jb->x;
    const float *cos_t = jb->cos_t, *sin_t = jb->sin_t, sgn = jb->sgn;
    const int T = jb->T, p0 = jb->p0, nh = jb->nh, D = jb->D, ld = jb->ld, half = D / 2;
    for (int n = (int)n0; n < (int)n1; n++) {
        const int pos = p0 + n % T;
        const float *c = cos_t + (size_t)pos * half, *s = sin_t + (size_t)pos * half;
        for (int h = 0; h < nh; h++) {
            float *xh = x + (size_t)n * ld + (size_t)h * D;
            for (int i = 0; i < half; i++) {
                const float a = xh[i], b = xh[i + half], si = sgn * s[i];
                xh[i] = a * c[i] - b * si;
                xh[i + half] = b * c[i] + a * si;
            }
        }
    }
}

static void rope_apply(float *x, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D,
                       int ld, float sgn) {
    const int N = B * T;
    rope_job jb = {x, cos_t, sin_t, T, p0, nh, D, ld, sgn};
    par_for(N, 8, THREADS((size_t)N * nh * D), rope_rows, &jb);
}

void rope_forward(float *x, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld) {
    rope_apply(x, cos_t, sin_t, B, T, p0, nh, D, ld, 1.0f);
}

void rope_backward(float *dx, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld) {
    rope_apply(dx, cos_t, sin_t, B, T, p0, nh, D, ld, -1.0f);
}

static inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

typedef struct { float *act, *dgate, *dup; const float *gate, *up, *dact; } swiglu_job;
static void swiglu_forward_range(void *ctx, long i0, long i1) {
    const swiglu_job *jb = ctx;
    for (long i = i0; i < i1; i++) {
        const float g = jb->gate[i];
        jb->act[i] = g * sigmoidf_(g) * jb->up[i];
    }
}

void swiglu_forward(float *act, const float *gate, const float *up, size_t n) {
    swiglu_job jb = {act, NULL, NULL, gate, up, NULL};
    par_for((long)n, PAR_MIN, THREADS(n), swiglu_forward_range, &jb);
}

/* d silu(g)/dg = s (1 + g (1 - s)), s = sigmoid(g). */
static void swiglu_backward_range(void *ctx, long i0, long i1) {
    const swiglu_job *jb = ctx;
    for (long i = i0; i < i1; i++) {
        const float g = jb->gate[i], s = sigmoidf_(g), da = jb->dact[i];
        jb->dgate[i] = da * jb->up[i] * (s * (1.0f + g * (1.0f - s)));
        jb->dup[i] = da * g * s;
    }
}

void swiglu_backward(float *dgate, float *dup, const float *dact, const float *gate, const float *up, size_t n) {
    swiglu_job jb = {NULL, dgate, dup, gate, up, dact};
    par_for((long)n, PAR_MIN, THREADS(n), swiglu_backward_range, &jb);
}

/* Softmax of row (first n entries valid, the rest up to len set to 0). */
static void softmax_causal_row(float *row, int n, int len) {
    float mx = -INFINITY;
    for (int j = 0; j < n; j++) mx = row[j] > mx ? row[j] : mx;
    double sum = 0.0;
    for (int j = 0; j < n; j++) {
        const float e = expf(row[j] - mx);
        row[j] = e;
        sum += e;
    }
    const float inv = (float)(1.0 / sum);
    for (int j = 0; j < n; j++) row[j] *= inv;
    for (int j = n; j < len; j++) row[j] = 0.0f;
}

typedef struct { float *P, *dP; int p0, nk, T; } probs_job;
static void softmax_rows(void *ctx, long t0, long t1) {
    const probs_job *jb = ctx;
    for (long t = t0; t < t1; t++) softmax_causal_row(jb->P + (size_t)t * jb->nk, jb->p0 + (int)t + 1, jb->nk);
}

/* dS = P * (dP - rowsum(P * dP)), causal rows */
static void softmax_backward_rows(void *ctx, long t0, long t1) {
    const probs_job *jb = ctx;
    const int T = jb->T;
    for (int t = (int)t0; t < (int)t1; t++) {
        const float *pr = jb->P + (size_t)t * T;
        float *dr = jb->dP + (size_t)t * T;
        double dot = 0.0;
        for (int j = 0; j <= t; j++) dot += (double)pr[j] * dr[j];
        const float fd = (float)dot;
        for (int j = 0; j <= t; j++) dr[j] = pr[j] * (dr[j] - fd);
        for (int j = t + 1; j < T; j++) dr[j] = 0.0f;
    }
}

/* Scores and causal softmax of query head h over kv head g into P (T, nk): P = softmax(scale q_h k_g^T).
 * Forward and the backward's recomputation both call this, so the backward sees bitwise the forward's
 * probabilities (the products are deterministic for any thread count). */
static void attention_probs(float *P, const float *q, const float *k, int T, int p0, int h, int g,
                            int HD, int KVD, int D) {
    const int nk = p0 + T;
    const float scale = 1.0f / sqrtf((float)D);
    /* scores (T, nk) = scale * q_h (T, D) k_g^T (D, nk) */
    mm_sgemm(MM_N, MM_T, T, nk, D, scale, q + (size_t)h * D, HD, k + (size_t)g * D, KVD, 0.0f, P, nk);
    probs_job jb = {P, NULL, p0, nk, T};
    par_for(T, 8, THREADS((size_t)T * nk), softmax_rows, &jb);
}

void attention_forward(float *att, float *probs, const float *q, const float *k, const float *v,
                       int T, int p0, int H, int KV, int D) {
    const int HD = H * D, KVD = KV * D, nk = p0 + T, group = H / KV;
    for (int h = 0; h < H; h++) {
        const int g = h / group;
        attention_probs(probs, q, k, T, p0, h, g, HD, KVD, D);
        /* att_h (T, D) = P (T, nk) v_g (nk, D) */
        mm_sgemm(MM_N, MM_N, T, D, nk, 1.0f, probs, nk, v + (size_t)g * D, KVD, 0.0f, att + (size_t)h * D, HD);
    }
}

/* With S = scale q k^T, P = softmax(S) (causal), O = P v:
 * dP = dO v^T; dv += P^T dO; dS = P * (dP - rowsum(P * dP)); dq = scale dS k; dk += scale dS^T q.
 * P is recomputed per head from q and k rather than kept from the forward: the memory idea of
 * FlashAttention (Dao et al. 2022, sec. 3.1 "recomputation") without its tiling — one head's (T, T)
 * block at a time, so training never holds the (B, H, T, T) probabilities (805 MB per layer at batch 4
 * x 2048 tokens), for one more q k^T product per head. */
void attention_backward(float *dq, float *dk, float *dv, float *P, float *dP, const float *datt,
                        const float *q, const float *k, const float *v, int T, int H, int KV, int D) {
    const int HD = H * D, KVD = KV * D, group = H / KV;
    const float scale = 1.0f / sqrtf((float)D);
    for (int h = 0; h < H; h++) {
        const int g = h / group;
        attention_probs(P, q, k, T, 0, h, g, HD, KVD, D);
        mm_sgemm(MM_N, MM_T, T, T, D, 1.0f, datt + (size_t)h * D, HD, v + (size_t)g * D, KVD, 0.0f, dP, T);
        mm_sgemm(MM_T, MM_N, T, D, T, 1.0f, P, T, datt + (size_t)h * D, HD, 1.0f, dv + (size_t)g * D, KVD);
        probs_job jb = {P, dP, 0, T, T};
        par_for(T, 8, THREADS((size_t)T * T), softmax_backward_rows, &jb);
        mm_sgemm(MM_N, MM_N, T, D, T, scale, dP, T, k + (size_t)g * D, KVD, 0.0f, dq + (size_t)h * D, HD);
        mm_sgemm(MM_T, MM_N, T, D, T, scale, dP, T, q + (size_t)h * D, HD, 1.0f, dk + (size_t)g * D, KVD);
    }
}

void linear_forward(float *out, int ldo, const float *x, const wmat *W, const float *bias, int M,
                    float *tile, size_t tile_floats) {
    const int N = W->rows;
    mm_linear(out, ldo, x, W, M, tile, tile_floats);
    if (bias) {
        for (int i = 0; i < M; i++) {
            float *o = out + (size_t)i * ldo;
            for (int j = 0; j < N; j++) o[j] += bias[j];
        }
    }
}

void linear_backward_input(float *dx, float beta, const float *dy, int ldy, const wmat *W, int M,
                           float *tile, size_t tile_floats) {
    mm_wgemm(MM_N, MM_N, M, W->cols, W->rows, 1.0f, dy, ldy, W, beta, dx, W->cols, tile, tile_floats);
}

typedef struct { float *dst; const float *src; uint64_t i0, key; uint32_t thr; float inv; } dropout_job;
static void dropout_range(void *ctx, long a, long b) {
    const dropout_job *jb = ctx;
    for (long i = a; i < b; i++) jb->dst[i] = dropout_bits(jb->key, jb->i0 + (uint64_t)i) >= jb->thr ? jb->src[i] * jb->inv : 0.0f;
}

/* dx += mask * dropx / (1 - p): the adjoint of dropout_forward (same mask) */
static void dropout_backward_range(void *ctx, long a, long b) {
    const dropout_job *jb = ctx;
    for (long i = a; i < b; i++)
        if (dropout_bits(jb->key, (uint64_t)i) >= jb->thr) jb->dst[i] += jb->src[i] * jb->inv;
}

void dropout_forward(float *dst, const float *src, size_t n, uint64_t i0, float p, uint64_t key) {
    dropout_job jb = {dst, src, i0, key, (uint32_t)((double)p * 4294967296.0), 1.0f / (1.0f - p)};
    par_for((long)n, PAR_MIN, THREADS(n), dropout_range, &jb);
}

void lora_down_product(float *xa, const float *x, const lora_op *op, int M, float *dropx) {
    const float *xin = x;
    if (op->p > 0.0f) {
        dropout_forward(dropx, x, (size_t)M * op->in, 0, op->p, op->key);
        xin = dropx;
    }
    mm_sgemm(MM_N, MM_N, M, op->r, op->in, 1.0f, xin, op->in, op->A, op->r, 0.0f, xa, op->r);
}

void lora_forward(float *out, int ldo, float *xa, const float *x, const lora_op *op, int M, float *dropx) {
    lora_down_product(xa, x, op, M, dropx);
    mm_sgemm(MM_N, MM_N, M, op->out, op->r, op->scale, xa, op->r, op->B, op->out, 1.0f, out, ldo);
}

/* u = dropout(x) A (stored as xa), y += scale u B:
 * du = scale dy B^T; dB += scale u^T dy; dA += dropout(x)^T du; dx += dropout'(du A^T). */
void lora_backward(float *dx, const float *dy, int ldy, const float *x, const float *xa, const lora_op *op,
                   int M, float *du, float *dropx) {
    mm_sgemm(MM_N, MM_T, M, op->r, op->out, op->scale, dy, ldy, op->B, op->out, 0.0f, du, op->r);
    mm_sgemm(MM_T, MM_N, op->r, op->out, M, op->scale, xa, op->r, dy, ldy, 1.0f, op->dB, op->out);
    const float *xin = x;
    if (op->p > 0.0f) {
        dropout_forward(dropx, x, (size_t)M * op->in, 0, op->p, op->key);
        xin = dropx;
    }
    mm_sgemm(MM_T, MM_N, op->in, op->r, M, 1.0f, xin, op->in, du, op->r, 1.0f, op->dA, op->r);
    if (!dx) return;
    if (op->p > 0.0f) {
        /* dropout is linear with the same mask: d/dx = mask / (1 - p) applied to du A^T */
        mm_sgemm(MM_N, MM_T, M, op->in, op->r, 1.0f, du, op->r, op->A, op->r, 0.0f, dropx, op->in);
        const size_t n = (size_t)M * op->in;
        dropout_job jb = {dx, dropx, 0, op->key, (uint32_t)((double)op->p * 4294967296.0), 1.0f / (1.0f - op->p)};
        par_for((long)n, PAR_MIN, THREADS(n), dropout_backward_range, &jb);
    } else {
        mm_sgemm(MM_N, MM_T, M, op->in, op->r, 1.0f, du, op->r, op->A, op->r, 1.0f, dx, op->in);
    }
}

typedef struct { double *loss; float *logits; const int32_t *tgt; int V; float gscale; int grad; } ce_job;
/* Rows [i0, i1): loss = logsumexp - target logit; with grad the logits become (softmax - onehot) * gscale. */
static void ce_rows(void *ctx, long i0, long i1) {
    const ce_job *jb = ctx;
    double *loss = jb->loss;
    float *logits = jb->logits;
    const int32_t *tgt = jb->tgt;
    const int V = jb->V;
    const float gscale = jb->gscale;
    for (int i = (int)i0; i < (int)i1; i++) {
        float *l = logits + (size_t)i * V;
        float mx = -INFINITY;
        for (int j = 0; j < V; j++) mx = l[j] > mx ? l[j] : mx;
        const float lt = l[tgt[i]];
        double sum = 0.0;
        for (int j = 0; j < V; j++) {
            const float e = expf(l[j] - mx);
            l[j] = e;
            sum += e;
        }
        loss[i] = (double)mx + log(sum) - (double)lt;
        if (jb->grad) { /* softmax - onehot, scaled */
            const float inv = (float)(1.0 / sum) * gscale;
            for (int j = 0; j < V; j++) l[j] *= inv;
            l[tgt[i]] -= gscale;
        }
    }
}

int ce_forward_backward(double *loss, float *dx, const float *x, const int32_t *tgt, int n, const wmat *W,
                        float gscale, float *logits, float *tile, size_t tile_floats) {
    const int V = W->rows;
    linear_forward(logits, V, x, W, NULL, n, tile, tile_floats);
    int bad = -1;
    ce_job jb = {loss, logits, tgt, V, gscale, dx != NULL};
    par_for(n, 1, THREADS((size_t)n * V), ce_rows, &jb);
    for (int i = 0; i < n; i++)
        if (!isfinite(loss[i])) { bad = i; break; }
    if (dx && bad < 0) linear_backward_input(dx, 0.0f, logits, V, W, n, tile, tile_floats);
    return bad;
}

long first_nonfinite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return (long)i;
    return -1;
}
