package dev.sam.train.eval;

import dev.sam.train.data.Batch;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;
import java.util.List;

/**
 * Mean next-token cross-entropy over the scored (answer) tokens of a set of examples — the validation
 * loss of mlx-lm's {@code evaluate} (sum of losses / number of targets over the whole set, not a mean
 * of batch means) — with adapters, or of the base model alone when {@code adapters} is null.
 *
 * <pre>HeldOutLoss.Result r = HeldOutLoss.of(model, adapters, data.heldOut());</pre>
 */
public final class HeldOutLoss {
    /** Rows per forward pass: forward-only, so a few rows fit where training takes one. */
    public static final int BATCH = 4;

    private HeldOutLoss() {
    }

    /** Loss per scored token, the number of scored tokens and of examples. */
    public record Result(double loss, long targets, int examples) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    public static Result of(NativeModel model, LoraAdapters adapters, List<TokenizedExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
        BatchIterator it = new BatchIterator(examples, Math.min(BATCH, examples.size()), 0, 0);
        double sum = 0;
        long n = 0;
        for (int i = 0; i < it.batchesPerEpoch(); i++) {
            Batch b = it.batch(i);
            NativeEval.RowLosses r = NativeEval.loss(model, adapters, b.toTokenBatch());
            sum += r.totalLoss();
            n += r.totalTargets();
        }
        return new Result(n == 0 ? Double.NaN : sum / n, n, examples.size());
    }
}
