/* test_gradcheck.c — every hand-written backward against finite differences.
 * Per op: an independent float64 reference of the forward is written here; its central finite
 * differences (h = 1e-6, in double) are the numeric gradient of L = sum(out * R) for a random R,
 * and the library's fp32 backward (fed dout = R) must match within 1e-4 of the gradient's largest
 * magnitude. The fp32 forward must match the reference within 1e-5 (relative to its scale).
 * Whole model: gradients of LoRA A and B read after sam_train_accumulate against central
 * differences (h = 1e-2) of the fp32 mean loss (sam_eval_loss); tolerance 2e-4 absolute + 0.5% relative,
 * dominated by fp32 noise of the loss (~1e-7 relative) divided by 2h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matmul.h"
#include "layers.h"
#include "rng.h"
#include "test_util.h"

static xoshiro256 R;
static double urand(void) { return xoshiro_uniform_d(&R) * 2.0 - 1.0; }
static void fill(double *d, float *f, int n, double s) { for (int i = 0; i < n; i++) { d[i] = urand() * s; if (f) f[i] = (float)d[i]; } }

typedef double (*ref_loss)(const double *x, void *ctx); /* L(x) with the other inputs in ctx */

/* numeric gradient of f at x (n) into g */
static void numgrad(double *g, double *x, int n, ref_loss f, void *ctx) {
    const double h = 1e-6;
    for (int i = 0; i < n; i++) {
        const double x0 = x[i];
        x[i] = x0 + h;
        const double lp = f(x, ctx);
        x[i] = x0 - h;
        const double lm = f(x, ctx);
        x[i] = x0;
        g[i] = (lp - lm) / (2 * h);
    }
}

static void cmp_grad(const char *what, const float *an, const double *num, int n) {
    double mx = 0, err = 0;
    for (int i = 0; i < n; i++) mx = fmax(mx, fabs(num[i]));
    for (int i = 0; i < n; i++) err = fmax(err, fabs(an[i] - num[i]));
    printf("  %-34s max|g| %.3e  max err %.3e  (rel %.2e)\n", what, mx, err, err / fmax(mx, 1e-30));
    CHECK(mx > 0 && err <= 1e-4 * mx, "%s: gradient error %.3e vs scale %.3e", what, err, mx);
}

static void cmp_fwd(const char *what, const float *got, const double *want, int n) {
    double mx = 0, err = 0;
    for (int i = 0; i < n; i++) mx = fmax(mx, fabs(want[i]));
    for (int i = 0; i < n; i++) err = fmax(err, fabs(got[i] - want[i]));
    CHECK(err <= 1e-5 * fmax(mx, 1.0), "%s forward: error %.3e (scale %.3e)", what, err, mx);
}

/* ---------------- RMSNorm ---------------- */
enum { RN = 3, RC = 24 };
typedef struct { double w[RC], R[RN * RC]; } rms_ctx;
static void rms_ref(double *y, const double *x, const double *w) {
    for (int i = 0; i < RN; i++) {
        double ss = 0;
        for (int j = 0; j < RC; j++) ss += x[i * RC + j] * x[i * RC + j];
        const double r = 1.0 / sqrt(ss / RC + 1e-6);
        for (int j = 0; j < RC; j++) y[i * RC + j] = w[j] * x[i * RC + j] * r;
    }
}
static double rms_loss(const double *x, void *c) {
    rms_ctx *k = c;
    double y[RN * RC], s = 0;
    rms_ref(y, x, k->w);
    for (int i = 0; i < RN * RC; i++) s += y[i] * k->R[i];
    return s;
}
static void test_rmsnorm(void) {
    rms_ctx k;
    double x[RN * RC], g[RN * RC], y[RN * RC];
    float xf[RN * RC], wf[RC], Rf[RN * RC], yf[RN * RC], rs[RN], dx[RN * RC] = {0};
    fill(x, xf, RN * RC, 2.0);
    fill(k.w, wf, RC, 1.5);
    fill(k.R, Rf, RN * RC, 1.0);
    rmsnorm_forward(yf, rs, xf, wf, RN, RC, 1e-6f);
    rms_ref(y, x, k.w);
    cmp_fwd("rmsnorm", yf, y, RN * RC);
    rmsnorm_backward(dx, Rf, xf, wf, rs, RN, RC);
    numgrad(g, x, RN * RC, rms_loss, &k);
    cmp_grad("rmsnorm dx", dx, g, RN * RC);
}

/* ---------------- RoPE ---------------- */
enum { PB = 2, PT = 5, PH = 2, PD = 8, PP0 = 3 };
#define PN (PB * PT * PH * PD)
typedef struct { double R[PN]; } rope_ctx;
static void rope_ref(double *y, const double *x) {
    for (int n = 0; n < PB * PT; n++) {
        const int pos = PP0 + n % PT;
        for (int h = 0; h < PH; h++)
            for (int i = 0; i < PD / 2; i++) {
                const double a = pos * pow(10000.0, -2.0 * i / PD);
                const double *xh = x + (n * PH + h) * PD;
                double *yh = y + (n * PH + h) * PD;
                yh[i] = xh[i] * cos(a) - xh[i + PD / 2] * sin(a);
                yh[i + PD / 2] = xh[i + PD / 2] * cos(a) + xh[i] * sin(a);
            }
    }
}
static double rope_loss(const double *x, void *c) {
    double y[PN], s = 0;
    rope_ref(y, x);
    for (int i = 0; i < PN; i++) s += y[i] * ((rope_ctx *)c)->R[i];
    return s;
}
static void test_rope(void) {
    rope_ctx k;
    double x[PN], y[PN], g[PN];
    float xf[PN], Rf[PN], ct[(PP0 + PT) * PD / 2], st[(PP0 + PT) * PD / 2];
    fill(x, xf, PN, 1.0);
    fill(k.R, Rf, PN, 1.0);
    rope_table(ct, st, PP0 + PT, PD, 10000.0f);
    rope_forward(xf, ct, st, PB, PT, PP0, PH, PD, PH * PD);
    rope_ref(y, x);
    cmp_fwd("rope", xf, y, PN);
    rope_backward(Rf, ct, st, PB, PT, PP0, PH, PD, PH * PD);
    numgrad(g, x, PN, rope_loss, &k);
    cmp_grad("rope dx", Rf, g, PN);
}

/* ---------------- SwiGLU ---------------- */
enum { SN = 40 };
typedef struct { double other[SN], R[SN]; int wrt_up; } sw_ctx;
static double sw_loss(const double *x, void *c) {
    sw_ctx *k = c;
    double s = 0;
    for (int i = 0; i < SN; i++) {
        const double g = k->wrt_up ? k->other[i] : x[i], u = k->wrt_up ? x[i] : k->other[i];
        s += g / (1 + exp(-g)) * u * k->R[i];
    }
    return s;
}
static void test_swiglu(void) {
    double gate[SN], up[SN], num[SN], ref[SN];
    float gf[SN], uf[SN], Rf[SN], act[SN], dg[SN], du[SN];
    sw_ctx k;
    fill(gate, gf, SN, 4.0);
    fill(up, uf, SN, 2.0);
    fill(k.R, Rf, SN, 1.0);
    swiglu_forward(act, gf, uf, SN);
    for (int i = 0; i < SN; i++) ref[i] = gate[i] / (1 + exp(-gate[i])) * up[i];
    cmp_fwd("swiglu", act, ref, SN);
    swiglu_backward(dg, du, Rf, gf, uf, SN);
    memcpy(k.other, up, sizeof up);
    k.wrt_up = 0;
    numgrad(num, gate, SN, sw_loss, &k);
    cmp_grad("swiglu dgate", dg, num, SN);
    memcpy(k.other, gate, sizeof gate);
    k.wrt_up = 1;
    numgrad(num, up, SN, sw_loss, &k);
    cmp_grad("swiglu dup", du, num, SN);
}

/* ---------------- attention (GQA, causal) ---------------- */
enum { AT = 6, AH = 4, AKV = 2, AD = 8 };
#define AQ (AT * AH * AD)
#define AK (AT * AKV * AD)
typedef struct { double q[AQ], k[AK], v[AK], R[AQ]; int which; } att_ctx;
static void att_ref(double *o, const double *q, const double *k, const double *v) {
    for (int h = 0; h < AH; h++) {
        const int g = h / (AH / AKV);
        for (int t = 0; t < AT; t++) {
            double s[AT], mx = -1e300, sum = 0;
            for (int j = 0; j <= t; j++) {
                s[j] = 0;
                for (int d = 0; d < AD; d++) s[j] += q[t * AH * AD + h * AD + d] * k[j * AKV * AD + g * AD + d];
                s[j] /= sqrt((double)AD);
                mx = fmax(mx, s[j]);
            }
            for (int j = 0; j <= t; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
            for (int d = 0; d < AD; d++) {
                double acc = 0;
                for (int j = 0; j <= t; j++) acc += s[j] / sum * v[j * AKV * AD + g * AD + d];
                o[t * AH * AD + h * AD + d] = acc;
            }
        }
    }
}
static double att_loss(const double *x, void *c) {
    att_ctx *a = c;
    double o[AQ], s = 0;
    att_ref(o, a->which == 0 ? x : a->q, a->which == 1 ? x : a->k, a->which == 2 ? x : a->v);
    for (int i = 0; i < AQ; i++) s += o[i] * a->R[i];
    return s;
}
static void test_attention(void) {
    att_ctx a;
    float q[AQ], k[AK], v[AK], Rf[AQ], o[AQ], probs[AT * AT], dq[AQ], dk[AK] = {0}, dv[AK] = {0}, dP[AT * AT];
    double ref[AQ], num[AQ];
    fill(a.q, q, AQ, 1.5);
    fill(a.k, k, AK, 1.5);
    fill(a.v, v, AK, 1.0);
    fill(a.R, Rf, AQ, 1.0);
    attention_forward(o, probs, q, k, v, AT, 0, AH, AKV, AD);
    memset(probs, 0xff, sizeof probs); /* the backward recomputes them: NaN garbage must not leak in */
    att_ref(ref, a.q, a.k, a.v);
    cmp_fwd("attention", o, ref, AQ);
    attention_backward(dq, dk, dv, probs, dP, Rf, q, k, v, AT, AH, AKV, AD);
    a.which = 0;
    numgrad(num, a.q, AQ, att_loss, &a);
    cmp_grad("attention dq", dq, num, AQ);
    a.which = 1;
    numgrad(num, a.k, AK, att_loss, &a);
    cmp_grad("attention dk", dk, num, AK);
    a.which = 2;
    numgrad(num, a.v, AK, att_loss, &a);
    cmp_grad("attention dv", dv, num, AK);
    /* generation path: T = 1 query at position p0 over the cache equals the last row */
    float o1[AH * AD], scratch[AT];
    attention_forward(o1, scratch, q + (AT - 1) * AH * AD, k, v, 1, AT - 1, AH, AKV, AD);
    cmp_fwd("attention (cached, p0 > 0)", o1, ref + (AT - 1) * AH * AD, AH * AD);
}

/* ---------------- linear + LoRA with dropout, tiled fp16 weights ---------------- */
enum { LM = 5, LI = 16, LO = 12, LR = 3 };
typedef struct { double x[LM * LI], W[LO * LI], b[LO], A[LI * LR], B[LR * LO], R[LM * LO]; int which; float p; uint64_t key; } lin_ctx;
static double lin_loss(const double *z, void *c) {
    lin_ctx *k = c;
    const double *x = k->which == 0 ? z : k->x, *A = k->which == 1 ? z : k->A, *B = k->which == 2 ? z : k->B;
    const uint32_t thr = (uint32_t)((double)k->p * 4294967296.0);
    double s = 0;
    for (int i = 0; i < LM; i++) {
        double dx[LI], u[LR] = {0};
        for (int j = 0; j < LI; j++) dx[j] = dropout_bits(k->key, (uint64_t)(i * LI + j)) >= thr ? x[i * LI + j] / (1.0 - k->p) : 0.0;
        for (int r = 0; r < LR; r++)
            for (int j = 0; j < LI; j++) u[r] += dx[j] * A[j * LR + r];
        for (int o = 0; o < LO; o++) {
            double y = k->b[o];
            for (int j = 0; j < LI; j++) y += x[i * LI + j] * k->W[o * LI + j];
            for (int r = 0; r < LR; r++) y += 2.0 * u[r] * B[r * LO + o];
            s += y * k->R[i * LO + o];
        }
    }
    return s;
}
static void test_lora_linear(void) {
    lin_ctx k;
    float x[LM * LI], b[LO], A[LI * LR], B[LR * LO], Rf[LM * LO], y[LM * LO], xa[LM * LR], du[LM * LR], dropx[LM * LI];
    float dx[LM * LI], dA[LI * LR] = {0}, dB[LR * LO] = {0}, tile[2 * LI];
    uint16_t Wh[LO * LI];
    double num[LM * LI];
    fill(k.x, x, LM * LI, 1.0);
    fill(k.W, NULL, LO * LI, 0.5);
    for (int i = 0; i < LO * LI; i++) { Wh[i] = f32_to_f16((float)k.W[i]); k.W[i] = f16_to_f32(Wh[i]); } /* exact fp16 */
    fill(k.b, b, LO, 0.3);
    fill(k.A, A, LI * LR, 0.5);
    fill(k.B, B, LR * LO, 0.5);
    fill(k.R, Rf, LM * LO, 1.0);
    k.p = 0.25f;
    k.key = 0x1234567;
    wmat W = {.kind = WM_F16, .rows = LO, .cols = LI, .w = (const uint8_t *)Wh, .name = "W"};
    lora_op op = {A, B, dA, dB, LI, LO, LR, 2.0f, k.p, k.key};
    linear_forward(y, LO, x, &W, b, LM, tile, 2 * LI); /* 2-row tiles: 6 tiles */
    lora_forward(y, LO, xa, x, &op, LM, dropx);
    double ref[LM * LO];
    for (int i = 0; i < LM * LO; i++) { /* forward reference via unit R */
        double save[LM * LO];
        memcpy(save, k.R, sizeof save);
        memset(k.R, 0, sizeof k.R);
        k.R[i] = 1;
        k.which = -1;
        ref[i] = lin_loss(k.x, &k);
        memcpy(k.R, save, sizeof save);
    }
    cmp_fwd("linear+lora", y, ref, LM * LO);
    linear_backward_input(dx, 0.0f, Rf, LO, &W, LM, tile, 2 * LI);
    lora_backward(dx, Rf, LO, x, xa, &op, LM, du, dropx);
    k.which = 0;
    numgrad(num, k.x, LM * LI, lin_loss, &k);
    cmp_grad("linear+lora dx (dropout 0.25)", dx, num, LM * LI);
    k.which = 1;
    numgrad(num, k.A, LI * LR, lin_loss, &k);
    cmp_grad("lora dA", dA, num, LI * LR);
    k.which = 2;
    numgrad(num, k.B, LR * LO, lin_loss, &k);
    cmp_grad("lora dB", dB, num, LR * LO);
}

/* ---------------- cross-entropy ---------------- */
enum { CN = 4, CC = 8, CV = 13 };
typedef struct { double W[CV * CC]; int32_t t[CN]; } ce_ctx;
static double ce_loss(const double *x, void *c) {
    ce_ctx *k = c;
    double s = 0;
    for (int i = 0; i < CN; i++) {
        double l[CV], mx = -1e300, sum = 0;
        for (int v = 0; v < CV; v++) {
            l[v] = 0;
            for (int j = 0; j < CC; j++) l[v] += x[i * CC + j] * k->W[v * CC + j];
            mx = fmax(mx, l[v]);
        }
        for (int v = 0; v < CV; v++) sum += exp(l[v] - mx);
        s += (mx + log(sum) - l[k->t[i]]) / CN;
    }
    return s;
}
static void test_ce(void) {
    ce_ctx k;
    double x[CN * CC], num[CN * CC];
    float xf[CN * CC], Wf[CV * CC], dx[CN * CC], logits[CN * CV];
    double loss[CN];
    fill(x, xf, CN * CC, 1.5);
    fill(k.W, Wf, CV * CC, 1.0);
    for (int i = 0; i < CN; i++) k.t[i] = (int32_t)(xoshiro_next(&R) % CV);
    wmat W = {.kind = WM_F32, .rows = CV, .cols = CC, .w = (const uint8_t *)Wf, .direct = Wf, .name = "W"};
    CHECK(ce_forward_backward(loss, dx, xf, k.t, CN, &W, 1.0f / CN, logits, NULL, 0) < 0, "ce reported non-finite");
    double tot = 0;
    for (int i = 0; i < CN; i++) tot += loss[i] / CN;
    CHECK(tu_rel(tot, ce_loss(x, &k)) < 1e-6, "ce loss %.9f vs %.9f", tot, ce_loss(x, &k));
    numgrad(num, x, CN * CC, ce_loss, &k);
    cmp_grad("cross-entropy dx", dx, num, CN * CC);
}

/* ---------------- whole model: LoRA gradients vs finite differences of the loss ---------------- */
static double mean_loss(sam_model *m, sam_lora *l, const int32_t *ids, int n, const uint8_t *mask) {
    int32_t len = n;
    double s;
    int64_t nt;
    if (sam_eval_loss(m, l, ids, &len, mask, 1, n, &s, &nt)) { printf("%s\n", sam_last_error()); return NAN; }
    return s / (double)nt;
}

static void model_gradcheck(const char *dir, sam_lora_config lc, const char *what, int ckpt) {
    tu_expected e;
    tu_load_expected(&e);
    sam_model *m = NULL;
    sam_lora *l = NULL;
    CHECK_OK(sam_model_open(tu_fixture(dir), &m));
    CHECK_OK(sam_lora_create(m, &lc, 99, &l));
    if (!m || !l) return;
    const int nt = sam_lora_num_tensors(l);
    for (int i = 0; i < nt; i++) { /* non-zero B so that A receives gradient too */
        int32_t r, c;
        sam_lora_tensor_info(l, i, NULL, 0, &r, &c);
        float *buf = malloc(sizeof(float) * r * c);
        sam_lora_read(l, i, buf);
        if (i % 2) for (int j = 0; j < r * c; j++) buf[j] = (float)(0.05 * urand());
        sam_lora_write(l, i, buf);
        free(buf);
    }
    uint8_t mask[64];
    for (int i = 0; i < e.n; i++) mask[i] = i >= 4;
    sam_train_config tc = tu_train_cfg(1, 32, ckpt);
    sam_trainer *t = NULL;
    CHECK_OK(sam_trainer_create(m, l, &tc, &t));
    int32_t len = e.n;
    double ml;
    int64_t ntg;
    CHECK_OK(sam_train_accumulate(t, e.ids, &len, mask, 1, e.n, &ml, &ntg));
    double worst = 0;
    int checked = 0;
    for (int i = 0; i < nt; i++) {
        int32_t r, c;
        char name[128];
        sam_lora_tensor_info(l, i, name, sizeof name, &r, &c);
        float *g = malloc(sizeof(float) * r * c), *w = malloc(sizeof(float) * r * c);
        CHECK_OK(sam_trainer_read_grad(t, i, g));
        sam_lora_read(l, i, w);
        int best = 0;
        for (int j = 1; j < r * c; j++) best = fabsf(g[j]) > fabsf(g[best]) ? j : best;
        int picks[2] = {best, (int)(xoshiro_next(&R) % (uint64_t)(r * c))};
        for (int p = 0; p < 2; p++) {
            const int j = picks[p];
            const float w0 = w[j], h = 1e-2f;
            w[j] = w0 + h;
            sam_lora_write(l, i, w);
            const double lp = mean_loss(m, l, e.ids, e.n, mask);
            w[j] = w0 - h;
            sam_lora_write(l, i, w);
            const double lm = mean_loss(m, l, e.ids, e.n, mask);
            w[j] = w0;
            sam_lora_write(l, i, w);
            const double num = (lp - lm) / (2.0 * h), err = fabs(num - g[j]);
            worst = fmax(worst, err / (2e-4 + 5e-3 * fabs(num)));
            checked++;
            CHECK(err <= 2e-4 + 5e-3 * fabs(num), "%s %s[%d]: analytic %.6g numeric %.6g", what, name, j, g[j], num);
        }
        free(g);
        free(w);
    }
    printf("  %-34s %d elements, worst error / tolerance %.3f\n", what, checked, worst);
    sam_trainer_free(t);
    sam_lora_free(l);
    sam_model_free(m);
}

int main(void) {
    xoshiro_seed(&R, 2024);
    printf("per-op gradients (fp32 backward vs float64 finite differences):\n");
    test_rmsnorm();
    test_rope();
    test_swiglu();
    test_attention();
    test_lora_linear();
    test_ce();
    printf("whole model (LoRA grads vs finite differences of the loss):\n");
    sam_lora_config fix = tu_fixture_lora_cfg();
    sam_lora_config all = {3, 1.5f, 0.0f, -1, 127};
    model_gradcheck("fp32", fix, "fp32, last 2 layers q/k/v/o", 0);
    model_gradcheck("fp32", all, "fp32, all layers, all modules", 1);
    model_gradcheck("mlx-4bit-g32", all, "4-bit, all layers, all modules", 1);
    return tu_done("test_gradcheck");
}
