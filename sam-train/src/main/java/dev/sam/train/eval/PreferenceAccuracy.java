package dev.sam.train.eval;

import dev.sam.train.data.Batch;
import dev.sam.train.data.PreferenceExample;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out preference accuracy: the share of pairs whose chosen answer the model prefers more than the
 * reference does, i.e. {@code (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x)) > 0}
 * — the sign of DPO's implicit reward margin (Rafailov et al. 2023, §5; TRL logs its training-side
 * counterpart as {@code rewards/accuracies}). The reference is the frozen base model (adapters null) or
 * another adapter set; the reference itself scores 0 (every margin is 0, none is > 0).
 *
 * <pre>PreferenceAccuracy.Result r = PreferenceAccuracy.of(model, adapters, PreferenceAccuracy.logProbs(model, null, pairs), pairs);</pre>
 */
public final class PreferenceAccuracy {
    private PreferenceAccuracy() {
    }

    /** Accuracy over {@code pairs}, their mean reward margin (in nats, β = 1) and their count. */
    public record Result(double accuracy, double meanMargin, int pairs) {
    }

    /**
     * Summed log-probability of each pair's answer tokens, rows in pair order (chosen, rejected, chosen, …),
     * under {@code adapters} (null: the base model).
     */
    public static double[] logProbs(NativeModel model, LoraAdapters adapters, List<PreferenceExample> pairs) {
        return logProbs(model, adapters, pairs, done -> true);
    }

    /**
     * The same, telling {@code progress} after each pair how many are done; it returns false to stop early
     * (a stop request: one pair of the 1.5B model takes seconds), and then so does this: null.
     */
    public static double[] logProbs(NativeModel model, LoraAdapters adapters, List<PreferenceExample> pairs,
                                    java.util.function.IntPredicate progress) {
        double[] out = new double[2 * pairs.size()];
        for (int p = 0; p < pairs.size(); p++) {
            if (p > 0 && !progress.test(p)) {
                return null;
            }
            Batch b = Batch.of(p, 0, List.of(pairs.get(p).chosen(), pairs.get(p).rejected()), null, 0);
            double[] loss = NativeEval.loss(model, adapters, b.toTokenBatch()).lossSum();
            out[2 * p] = -loss[0];
            out[2 * p + 1] = -loss[1];
        }
        return out;
    }

    /** The accuracy of {@code adapters} against reference log-probabilities from {@link #logProbs}. */
    public static Result of(NativeModel model, LoraAdapters adapters, double[] reference, List<PreferenceExample> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no preference pairs to evaluate");
        }
        double[] policy = logProbs(model, adapters, pairs);
        int won = 0;
        double margins = 0;
        for (int p = 0; p < pairs.size(); p++) {
            double margin = (policy[2 * p] - reference[2 * p]) - (policy[2 * p + 1] - reference[2 * p + 1]);
            won += margin > 0 ? 1 : 0;
            margins += margin;
        }
        return new Result((double) won / pairs.size(), margins / pairs.size(), pairs.size());
    }

    /** Rows of the pairs in training order, for the native step: chosen of pair 0, rejected of pair 0, … */
    public static List<TokenizedExample> rows(List<PreferenceExample> pairs) {
        List<TokenizedExample> out = new ArrayList<>(2 * pairs.size());
        for (PreferenceExample e : pairs) {
            out.add(e.chosen());
            out.add(e.rejected());
        }
        return out;
    }
}
