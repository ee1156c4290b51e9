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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepMetrics(long step, Double epoch, Double loss, Double lr, Double gradNorm, Long tokens,
                          Double tokensPerS, Double elapsedS, Long rssBytes, Double valLoss, Double valPerplexity,
                          Long valTokens) {

    public static StepMetrics train(long step, double epoch, double loss, double lr, double gradNorm, long tokens,
                                    double tokensPerS, double elapsedS, Long rss) {
        return new StepMetrics(step, epoch, loss, lr, gradNorm, tokens, tokensPerS, elapsedS, rss, null, null, null);
    }

    public static StepMetrics validation(long step, double valLoss, long targets, double elapsedS) {
        return new StepMetrics(step, null, null, null, null, null, null, elapsedS, null, valLoss, Math.exp(valLoss),
                targets);
    }

    @JsonIgnore
    public boolean isValidation() {
        return valLoss != null;
    }
}
