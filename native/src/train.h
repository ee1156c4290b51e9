/* train.h — the trainer's internal steps, shared by the supervised step (train.c,
 * sam_train_accumulate) and the preference step (dpo.c, sam_train_accumulate_dpo). Both run the same
 * forward, cross-entropy and backward; they differ only in how each row's cross-entropy gradient is
 * weighted before the backward. */
#ifndef SAM_TRAIN_H
#define SAM_TRAIN_H

#include <stdint.h>

#include "samtrain.h"

/* blk_check_batch against the trainer's model and its max_batch x max_seq_len. */
int trn_check_batch(const sam_trainer *t, const char *who, const int32_t *tokens, const int32_t *lengths,
                    const uint8_t *loss_mask, int B, int T);
/* Per-row scratch sized once at creation (max_batch elements each): the preference step's
 * log-probabilities and gradient factors, so its step allocates nothing. */
double *trn_row_logp(sam_trainer *t);
float *trn_row_scale(sam_trainer *t);

/* Rows per forward/backward pass (the memory plan; max_batch without a memory_budget). A micro-batch of
 * more rows runs as passes of rows [row0, row0 + R): their dropout keys, gradient sums and losses add up
 * to the micro-batch's. */
int trn_pass_rows(const sam_trainer *t);

/* Forward of a validated pass (B <= trn_pass_rows rows of T tokens, the micro-batch's rows row0..) through
 * the final norm, then cross-entropy of its scored targets in blocks: the gradient dCE/dxf, scaled by
 * gscale, is left in the trainer for trn_backward. row_loss[b] (B, may be NULL): summed cross-entropy of
 * row b (-log-probability of its scored targets); *sum += each target's cross-entropy in position order,
 * multiplied by row_weight[its row] (B, NULL: unweighted) — the same order either way, so weights of 1
 * report the unweighted loss bit for bit; *n += the scored targets. No scored target at all is
 * SAM_ERR_INVALID_ARG (who names the caller); NaN/Inf is SAM_ERR_NUMERIC (nothing accumulated). */
int trn_forward_ce(sam_trainer *t, const char *who, int row0, const int32_t *tokens, const int32_t *lengths,
                   const uint8_t *loss_mask, int B, int T, float gscale, const float *row_weight, double *row_loss,
                   double *sum, int *n);

/* Backward of the pass trn_forward_ce just ran, from the gradient it left, rows of it first multiplied by
 * row_scale[b] (B, NULL: unscaled); the LoRA gradients are added to the accumulators. */
void trn_backward(sam_trainer *t, int row0, int B, int T, const float *row_scale);

/* Around a micro-batch of B rows: begin saves the gradient sums when it takes several passes, abort
 * restores them (a later pass failed: nothing of the micro-batch stays accumulated), end counts it (the
 * apply averages over micro-batches) and advances the dropout key by its passes. */
void trn_micro_begin(sam_trainer *t, int B);
void trn_micro_abort(sam_trainer *t, int B);
void trn_micro_end(sam_trainer *t, int B);

#endif
