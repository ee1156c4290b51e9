/* dpo.c — the preference step: Direct Preference Optimization (Rafailov et al. 2023, "Direct
 * Preference Optimization: Your Language Model is Secretly a Reward Model", eq. 7), the sigmoid loss
 * of TRL's DPOTrainer with its label smoothing (the "conservative DPO" of Mitchell 2023):
 *
 *   z_p  = beta * ((pi_w - ref_w) - (pi_l - ref_l))         (pi: summed log-probs of the completion)
 *   l_p  = -(1 - eps) * log sigmoid(z_p) - eps * log sigmoid(-z_p)
 *   loss = mean over the micro-batch's pairs of l_p
 *
 * The policy log-probability of a row is minus its summed cross-entropy, so the step is the supervised
 * forward and backward (train.c) with one factor per row applied to the row's cross-entropy gradient:
 *
 *   dl_p/dz_p = -(1 - eps) * sigmoid(-z_p) + eps * sigmoid(z_p)
 *   dloss/dCE_w = -beta * dl_p/dz_p / P,   dloss/dCE_l = +beta * dl_p/dz_p / P   (CE = -pi)
 *
 * The reference log-probabilities come from the caller (sam_eval_loss with no adapters: the frozen base
 * with the LoRA path off, no second copy of the weights; or with the active version's adapters). They
 * do not change during training, so SAM computes them once per pair before the first step (TRL's
 * precompute_ref_log_probs), and the step itself allocates nothing. */
#include <math.h>

#include "error.h"
#include "train.h"

/* log sigmoid(x) without overflow for either sign */
static double log_sigmoid(double x) { return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)); }
static double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }

int sam_train_accumulate_dpo(sam_trainer *t, const int32_t *tokens, const int32_t *lengths,
                             const uint8_t *loss_mask, const double *ref_logp, int32_t batch, int32_t seq_len,
                             float beta, float label_smoothing, double *mean_loss, double *policy_logp) {
    static const char who[] = "sam_train_accumulate_dpo";
    if (!t) return err_set(SAM_ERR_INVALID_ARG, "%s: trainer is NULL. HINT: create it with sam_trainer_create.", who);
    int rc = trn_check_batch(t, who, tokens, lengths, loss_mask, batch, seq_len);
    if (rc) return rc;
    if (batch % 2)
        return err_set(SAM_ERR_INVALID_ARG, "%s: batch %d is odd; rows come in pairs (chosen, rejected). "
                       "HINT: put pair p's chosen completion in row 2p and its rejected one in row 2p+1.", who, batch);
    if (!ref_logp) return err_set(SAM_ERR_INVALID_ARG, "%s: ref_logp is NULL. HINT: pass the reference log-probabilities of every row (sam_eval_loss).", who);
    if (!(beta > 0.0f) || !isfinite(beta))
        return err_set(SAM_ERR_INVALID_ARG, "%s: beta = %g must be finite and > 0. HINT: TRL's default is 0.1.", who, (double)beta);
    if (!(label_smoothing >= 0.0f && label_smoothing < 0.5f))
        return err_set(SAM_ERR_INVALID_ARG, "%s: label_smoothing = %g must be in [0, 0.5). HINT: 0 is plain DPO; conservative DPO uses e.g. 0.1.",
                       who, (double)label_smoothing);
    for (int b = 0; b < batch; b++) {
        int any = 0;
        for (int i = 1; i < lengths[b]; i++) any |= loss_mask[(size_t)b * seq_len + i] != 0;
        if (!any)
            return err_set(SAM_ERR_INVALID_ARG, "%s: row %d (the %s completion of pair %d) has no scored target. "
                           "HINT: skip pairs whose completion is empty or was truncated away.", who, b, b % 2 ? "rejected" : "chosen", b / 2);
        if (!isfinite(ref_logp[b]) || ref_logp[b] > 0)
            return err_set(SAM_ERR_INVALID_ARG, "%s: ref_logp[%d] = %g is not a log-probability. HINT: pass -loss_sum of sam_eval_loss.", who, b, ref_logp[b]);
    }
    double *ce = trn_row_logp(t); /* the rows' summed cross-entropy, = -log-probability */
    float *scale = trn_row_scale(t);
    const int R = trn_pass_rows(t), last = (batch - 1) / R * R; /* the first row of the last pass */
    double sum = 0.0;
    int n = 0;
    /* Pass 1: every row's log-probability (the factors need both rows of a pair). gscale 1: the gradient
     * left behind is d(sum of the pass's CE)/dxf, one row's part per row. The last pass's forward stays in
     * the buffers for its backward; with several passes, the others run again before theirs (same dropout
     * key, so bitwise the same forward): one more forward of the rows the memory plan could not hold. */
    trn_micro_begin(t, batch);
    for (int b0 = 0; b0 < batch; b0 += R) {
        const int nb = batch - b0 < R ? batch - b0 : R;
        const size_t o = (size_t)b0 * seq_len;
        if ((rc = trn_forward_ce(t, who, b0, tokens + o, lengths + b0, loss_mask + o, nb, seq_len, 1.0f, NULL, ce + b0, &sum, &n)))
            return rc;
    }
    const int P = batch / 2;
    const double eps = label_smoothing;
    double loss = 0.0;
    for (int p = 0; p < P; p++) {
        const double pw = -ce[2 * p], pl = -ce[2 * p + 1];
        const double z = beta * ((pw - ref_logp[2 * p]) - (pl - ref_logp[2 * p + 1]));
        loss += -(1.0 - eps) * log_sigmoid(z) - eps * log_sigmoid(-z);
        const double dz = (-(1.0 - eps) * sigmoid(-z) + eps * sigmoid(z)) / P;
        scale[2 * p] = (float)(-beta * dz);
        scale[2 * p + 1] = (float)(beta * dz);
        if (policy_logp) policy_logp[2 * p] = pw, policy_logp[2 * p + 1] = pl;
    }
    for (int b0 = last; b0 >= 0; b0 -= R) { /* last pass first: its forward is still there */
        const int nb = batch - b0 < R ? batch - b0 : R;
        const size_t o = (size_t)b0 * seq_len;
        if (b0 != last && (rc = trn_forward_ce(t, who, b0, tokens + o, lengths + b0, loss_mask + o, nb, seq_len, 1.0f, NULL, NULL, &sum, &n))) {
            trn_micro_abort(t, batch);
            return rc;
        }
        trn_backward(t, b0, nb, seq_len, scale + b0);
    }
    trn_micro_end(t, batch);
    if (mean_loss) *mean_loss = loss / P;
    return SAM_OK;
}
