package dev.sam.train.runs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of {@code runs/<id>/metrics.jsonl}. A training row per optimizer step: step (1-based count of
 * steps done), epoch (fractional: batches seen / batches per epoch), loss (mean of the step's
 * micro-batch losses, as its gradient averages them), lr, grad_norm (before clipping), tokens (real
 * tokens of the step), tokens_per_s, elapsed_s (wall time since the run, or its resumption, started),
 * rss_bytes. A validation row (every eval_every steps and at the end) has step, val_loss,
 * val_perplexity and val_tokens instead of the training fields.
 *
 * <p>Rows of a run's preference stage have {@code stage: "dpo"} and continue the step count after the
 * supervised stage's last step. A training row's loss is then the DPO loss, with reward_accuracy (share of
 * pairs whose implicit reward β·(log π − log π_ref) is higher for the chosen answer), reward_margin (mean
 * chosen minus rejected reward) and logp_chosen / logp_rejected (mean summed log-probabilities of the
 * answers), as TRL's DPOTrainer logs them; its validation rows have val_preference_accuracy on the
 * held-out pairs (before the first step and after the last) instead of val_loss, and a last row the
 * held-out loss (val_loss) of the adapters the run saves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepMetrics(long step, Double epoch, Double loss, Double lr, Double gradNorm, Long tokens,
                          Double tokensPerS, Double elapsedS, Long rssBytes, Double valLoss, Double valPerplexity,
                          Long valTokens, String stage, Double rewardAccuracy, Double rewardMargin,
                          Double logpChosen, Double logpRejected, Double valPreferenceAccuracy) {
    public static final String DPO = "dpo";

    public StepMetrics(long step, Double epoch, Double loss, Double lr, Double gradNorm, Long tokens, Double tokensPerS,
                       Double elapsedS, Long rssBytes, Double valLoss, Double valPerplexity, Long valTokens) {
        this(step, epoch, loss, lr, gradNorm, tokens, tokensPerS, elapsedS, rssBytes, valLoss, valPerplexity, valTokens,
                null, null, null, null, null, null);
    }

    public static StepMetrics train(long step, double epoch, double loss, double lr, double gradNorm, long tokens,
                                    double tokensPerS, double elapsedS, Long rss) {
        return new StepMetrics(step, epoch, loss, lr, gradNorm, tokens, tokensPerS, elapsedS, rss, null, null, null);
    }

    public static StepMetrics validation(long step, double valLoss, long targets, double elapsedS) {
        return new StepMetrics(step, null, null, null, null, null, null, elapsedS, null, valLoss, Math.exp(valLoss),
                targets);
    }

    /** A training row of the preference stage. */
    public static StepMetrics preference(long step, double epoch, double loss, double lr, double gradNorm, long tokens,
                                         double tokensPerS, double elapsedS, Long rss, double rewardAccuracy,
                                         double rewardMargin, double logpChosen, double logpRejected) {
        return new StepMetrics(step, epoch, loss, lr, gradNorm, tokens, tokensPerS, elapsedS, rss, null, null, null, DPO,
                rewardAccuracy, rewardMargin, logpChosen, logpRejected, null);
    }

    /** The preference stage's validation row: held-out preference accuracy. */
    public static StepMetrics preferenceValidation(long step, double accuracy, double elapsedS) {
        return new StepMetrics(step, null, null, null, null, null, null, elapsedS, null, null, null, null, DPO, null, null,
                null, null, accuracy);
    }

    /** The held-out loss of the adapters the preference stage leaves, after its last step. */
    public static StepMetrics preferenceValidationLoss(long step, double valLoss, long targets, double elapsedS) {
        return new StepMetrics(step, null, null, null, null, null, null, elapsedS, null, valLoss, Math.exp(valLoss),
                targets, DPO, null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isValidation() {
        return valLoss != null || valPreferenceAccuracy != null;
    }

    /** A row of the supervised stage (every row of a run without a preference stage). */
    @JsonIgnore
    public boolean isSupervised() {
        return stage == null;
    }
}
