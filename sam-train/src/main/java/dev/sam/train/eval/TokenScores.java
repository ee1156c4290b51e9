package dev.sam.train.eval;

import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;

/**
 * Held-out loss and per-token accuracy of one example from the model's logits: for every scored target
 * t, the cross-entropy −log softmax(logits[t−1])[tokens[t]] (log-sum-exp with the maximum subtracted)
 * and whether the arg-max of logits[t−1] (lowest id on ties, as greedy generation picks) is tokens[t].
 * The loss is the same number {@link HeldOutLoss} gets from the native evaluator (tested).
 */
final class TokenScores {
    private TokenScores() {
    }

    /** Sum of target losses, number of targets, number predicted right. */
    record Score(double lossSum, long targets, long correct) {
        Score plus(Score o) {
            return new Score(lossSum + o.lossSum, targets + o.targets, correct + o.correct);
        }

        static final Score ZERO = new Score(0, 0, 0);

        Double loss() {
            return targets == 0 ? null : lossSum / targets;
        }

        Double accuracy() {
            return targets == 0 ? null : (double) correct / targets;
        }
    }

    static Score of(NativeModel model, LoraAdapters adapters, TokenizedExample e) {
        int v = model.info().vocabSize();
        float[] logits = NativeEval.logits(model, adapters, e.tokens());
        double loss = 0;
        long n = 0;
        long correct = 0;
        for (int t = 1; t < e.length(); t++) {
            if (e.mask()[t] == 0) {
                continue;
            }
            int row = (t - 1) * v;
            int arg = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                if (logits[row + k] > max) {
                    max = logits[row + k];
                    arg = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < v; k++) {
                sum += Math.exp(logits[row + k] - max);
            }
            loss += max + Math.log(sum) - logits[row + e.tokens()[t]];
            correct += arg == e.tokens()[t] ? 1 : 0;
            n++;
        }
        return new Score(loss, n, correct);
    }
}
