/* layers.c — see layers.h. Each backward is the exact adjoint of its forward; gradcheck in
 * tests/test_gradcheck.c. References: HF transformers models/qwen2/modeling_qwen2.py (RMSNorm,
 * rotate_half RoPE, repeat_kv, eager attention), karpathy/llm.c train_gpt2.c (structure). */
#include "layers.h"

#include <math.h>
#include <string.h>

#include "kernels.h"
#include "rng.h"

/* Loops below PAR_MIN elements stay serial. Parallel loops use dynamic schedules: on a laptop the
 * cores are shared with the JVM and other programs, and a static split waits for a descheduled
 * thread. Results do not depend on the schedule (every row/element is computed by one thread). */
#define PAR_MIN 16384

void rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int C, float eps) {
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt) if ((size_t)N * C >= PAR_MIN)
    for (int i = 0; i < N; i++) {
        const float *xi = x + (size_t)i * C;
        float *oi = out + (size_t)i * C;
        double ss = 0.0;
        for (int j = 0; j < C; j++) ss += (double)xi[j] * xi[j];
        const float r = (float)(1.0 / sqrt(ss / C + (double)eps));
        for (int j = 0; j < C; j++) oi[j] = w[j] * (xi[j] * r);
        rstd[i] = r;
    }
}

/* y_j = w_j x_j r, r = (mean(x^2) + eps)^-1/2: dx_j = r (w_j dy_j) - x_j r^3 / C * sum_k(w_k dy_k x_k). */
void rmsnorm_backward(float *dx, const float *dout, const float *x, const float *w, const float *rstd, int N, int C) {
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt) if ((size_t)N * C >= PAR_MIN)
    for (int i = 0; i < N; i++) {
        const float *xi = x + (size_t)i * C, *di = dout + (size_t)i * C;
        float *dxi = dx + (size_t)i * C;
        const float r = rstd[i];
        double dot = 0.0;
        for (int j = 0; j < C; j++) dot += (double)w[j] * di[j] * xi[j];
        const float c = (float)(dot * r * r * r / C);
        for (int j = 0; j < C; j++) dxi[j] += r * (w[j] * di[j]) - xi[j] * c;
    }
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
static void rope_apply(float *x, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D,
                       int ld, float sgn) {
    const int half = D / 2, N = B * T, nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt) if ((size_t)N * nh * D >= PAR_MIN)
    for (int n = 0; n < N; n++) {
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

void rope_forward(float *x, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld) {
    rope_apply(x, cos_t, sin_t, B, T, p0, nh, D, ld, 1.0f);
}

void rope_backward(float *dx, const float *cos_t, const float *sin_t, int B, int T, int p0, int nh, int D, int ld) {
    rope_apply(dx, cos_t, sin_t, B, T, p0, nh, D, ld, -1.0f);
}

static inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

void swiglu_forward(float *act, const float *gate, const float *up, size_t n) {
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, PAR_MIN) num_threads(nt) if (n >= PAR_MIN)
    for (size_t i = 0; i < n; i++) {
        const float g = gate[i];
        act[i] = g * sigmoidf_(g) * up[i];
    }
}

/* d silu(g)/dg = s (1 + g (1 - s)), s = sigmoid(g). */
void swiglu_backward(float *dgate, float *dup, const float *dact, const float *gate, const float *up, size_t n) {
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, PAR_MIN) num_threads(nt) if (n >= PAR_MIN)
    for (size_t i = 0; i < n; i++) {
        const float g = gate[i], s = sigmoidf_(g), da = dact[i];
        dgate[i] = da * up[i] * (s * (1.0f + g * (1.0f - s)));
        dup[i] = da * g * s;
    }
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

void attention_forward(float *att, float *probs, const float *q, const float *k, const float *v,
                       int T, int p0, int H, int KV, int D, int store_probs) {
    const int HD = H * D, KVD = KV * D, nk = p0 + T, group = H / KV;
    const float scale = 1.0f / sqrtf((float)D);
    for (int h = 0; h < H; h++) {
        const int g = h / group;
        float *P = store_probs ? probs + (size_t)h * T * nk : probs;
        /* scores (T, nk) = scale * q_h (T, D) k_g^T (D, nk) */
        kn_sgemm(KN_N, KN_T, T, nk, D, scale, q + (size_t)h * D, HD, k + (size_t)g * D, KVD, 0.0f, P, nk);
        const int nt = kn_threads();
        (void)nt;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt) if ((size_t)T * nk >= PAR_MIN)
        for (int t = 0; t < T; t++) softmax_causal_row(P + (size_t)t * nk, p0 + t + 1, nk);
        /* att_h (T, D) = P (T, nk) v_g (nk, D) */
        kn_sgemm(KN_N, KN_N, T, D, nk, 1.0f, P, nk, v + (size_t)g * D, KVD, 0.0f, att + (size_t)h * D, HD);
    }
}

/* With S = scale q k^T, P = softmax(S) (causal), O = P v:
 * dP = dO v^T; dv += P^T dO; dS = P * (dP - rowsum(P * dP)); dq = scale dS k; dk += scale dS^T q. */
void attention_backward(float *dq, float *dk, float *dv, float *dP, const float *datt, const float *probs,
                        const float *q, const float *k, const float *v, int T, int H, int KV, int D) {
    const int HD = H * D, KVD = KV * D, group = H / KV;
    const float scale = 1.0f / sqrtf((float)D);
    for (int h = 0; h < H; h++) {
        const int g = h / group;
        const float *P = probs + (size_t)h * T * T;
        kn_sgemm(KN_N, KN_T, T, T, D, 1.0f, datt + (size_t)h * D, HD, v + (size_t)g * D, KVD, 0.0f, dP, T);
        kn_sgemm(KN_T, KN_N, T, D, T, 1.0f, P, T, datt + (size_t)h * D, HD, 1.0f, dv + (size_t)g * D, KVD);
        const int nt = kn_threads();
        (void)nt;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt) if ((size_t)T * T >= PAR_MIN)
        for (int t = 0; t < T; t++) {
            const float *pr = P + (size_t)t * T;
            float *dr = dP + (size_t)t * T;
            double dot = 0.0;
            for (int j = 0; j <= t; j++) dot += (double)pr[j] * dr[j];
            const float fd = (float)dot;
            for (int j = 0; j <= t; j++) dr[j] = pr[j] * (dr[j] - fd);
            for (int j = t + 1; j < T; j++) dr[j] = 0.0f;
        }
        kn_sgemm(KN_N, KN_N, T, D, T, scale, dP, T, k + (size_t)g * D, KVD, 0.0f, dq + (size_t)h * D, HD);
        kn_sgemm(KN_T, KN_N, T, D, T, scale, dP, T, q + (size_t)h * D, HD, 1.0f, dk + (size_t)g * D, KVD);
    }
}

void linear_forward(float *out, int ldo, const float *x, const wmat *W, const float *bias, int M,
                    float *tile, size_t tile_floats) {
    const int K = W->cols, N = W->rows;
    if (W->kind == WM_Q && M <= Q_SMALL_M)
        q_matmul_small(out, ldo, x, W, M, tile, tile_floats); /* decode: read the packed weights once */
    else
        kn_wgemm(KN_N, KN_T, M, N, K, 1.0f, x, K, W, 0.0f, out, ldo, tile, tile_floats);
    if (bias) {
        for (int i = 0; i < M; i++) {
            float *o = out + (size_t)i * ldo;
            for (int j = 0; j < N; j++) o[j] += bias[j];
        }
    }
}

void linear_backward_input(float *dx, float beta, const float *dy, int ldy, const wmat *W, int M,
                           float *tile, size_t tile_floats) {
    kn_wgemm(KN_N, KN_N, M, W->cols, W->rows, 1.0f, dy, ldy, W, beta, dx, W->cols, tile, tile_floats);
}

void dropout_forward(float *dst, const float *src, size_t n, uint64_t i0, float p, uint64_t key) {
    const uint32_t thr = (uint32_t)((double)p * 4294967296.0);
    const float inv = 1.0f / (1.0f - p);
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, PAR_MIN) num_threads(nt) if (n >= PAR_MIN)
    for (size_t i = 0; i < n; i++) dst[i] = dropout_bits(key, i0 + i) >= thr ? src[i] * inv : 0.0f;
}

void lora_down_product(float *xa, const float *x, const lora_op *op, int M, float *dropx) {
    const float *xin = x;
    if (op->p > 0.0f) {
        dropout_forward(dropx, x, (size_t)M * op->in, 0, op->p, op->key);
        xin = dropx;
    }
    kn_sgemm(KN_N, KN_N, M, op->r, op->in, 1.0f, xin, op->in, op->A, op->r, 0.0f, xa, op->r);
}

void lora_forward(float *out, int ldo, float *xa, const float *x, const lora_op *op, int M, float *dropx) {
    lora_down_product(xa, x, op, M, dropx);
    kn_sgemm(KN_N, KN_N, M, op->out, op->r, op->scale, xa, op->r, op->B, op->out, 1.0f, out, ldo);
}

/* u = dropout(x) A (stored as xa), y += scale u B:
 * du = scale dy B^T; dB += scale u^T dy; dA += dropout(x)^T du; dx += dropout'(du A^T). */
void lora_backward(float *dx, const float *dy, int ldy, const float *x, const float *xa, const lora_op *op,
                   int M, float *du, float *dropx) {
    kn_sgemm(KN_N, KN_T, M, op->r, op->out, op->scale, dy, ldy, op->B, op->out, 0.0f, du, op->r);
    kn_sgemm(KN_T, KN_N, op->r, op->out, M, op->scale, xa, op->r, dy, ldy, 1.0f, op->dB, op->out);
    const float *xin = x;
    if (op->p > 0.0f) {
        dropout_forward(dropx, x, (size_t)M * op->in, 0, op->p, op->key);
        xin = dropx;
    }
    kn_sgemm(KN_T, KN_N, op->in, op->r, M, 1.0f, xin, op->in, du, op->r, 1.0f, op->dA, op->r);
    if (!dx) return;
    if (op->p > 0.0f) {
        /* dropout is linear with the same mask: d/dx = mask / (1 - p) applied to du A^T */
        kn_sgemm(KN_N, KN_T, M, op->in, op->r, 1.0f, du, op->r, op->A, op->r, 0.0f, dropx, op->in);
        const size_t n = (size_t)M * op->in;
        const uint32_t thr = (uint32_t)((double)op->p * 4294967296.0);
        const float inv = 1.0f / (1.0f - op->p);
        const int nt = kn_threads();
        (void)nt;
#pragma omp parallel for schedule(dynamic, PAR_MIN) num_threads(nt) if (n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            if (dropout_bits(op->key, i) >= thr) dx[i] += dropx[i] * inv;
    } else {
        kn_sgemm(KN_N, KN_T, M, op->in, op->r, 1.0f, du, op->r, op->A, op->r, 1.0f, dx, op->in);
    }
}

int ce_forward_backward(double *loss, float *dx, const float *x, const int32_t *tgt, int n, const wmat *W,
                        float gscale, float *logits, float *tile, size_t tile_floats) {
    const int V = W->rows;
    linear_forward(logits, V, x, W, NULL, n, tile, tile_floats);
    int bad = -1;
    const int nt = kn_threads();
    (void)nt;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if ((size_t)n * V >= PAR_MIN)
    for (int i = 0; i < n; i++) {
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
        if (dx) { /* softmax - onehot, scaled */
            const float inv = (float)(1.0 / sum) * gscale;
            for (int j = 0; j < V; j++) l[j] *= inv;
            l[tgt[i]] -= gscale;
        }
    }
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
