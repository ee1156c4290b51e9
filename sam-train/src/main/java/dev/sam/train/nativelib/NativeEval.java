package dev.sam.train.nativelib;

import com.sun.jna.Pointer;

/**
 * Forward-only evaluation: per-row cross-entropy sums (= negative log-probabilities of the scored
 * targets) and full logits, with adapters or (adapters == null) the base model alone.
 */
public final class NativeEval {
    /** Per-row results of one batch. */
    public record RowLosses(double[] lossSum, long[] targets) {
        public double totalLoss() {
            double s = 0;
            for (double v : lossSum) {
                s += v;
            }
            return s;
        }

        public long totalTargets() {
            long s = 0;
            for (long v : targets) {
                s += v;
            }
            return s;
        }
    }

    private NativeEval() {
    }

    public static RowLosses loss(NativeModel model, LoraAdapters adapters, TokenBatch b) {
        double[] loss = new double[b.batch()];
        long[] n = new long[b.batch()];
        Pointer l = adapters == null ? null : adapters.handle();
        Natives.check(Natives.lib().sam_eval_loss(model.handle(), l, b.tokens(), b.lengths(), b.lossMask(), b.batch(),
                b.seqLen(), loss, n), "evaluate the loss");
        return new RowLosses(loss, n);
    }

    /** Logits [n, vocab] row-major for every position of {@code tokens}. */
    public static float[] logits(NativeModel model, LoraAdapters adapters, int[] tokens) {
        float[] out = new float[Math.multiplyExact(tokens.length, model.info().vocabSize())];
        Pointer l = adapters == null ? null : adapters.handle();
        Natives.check(Natives.lib().sam_forward_logits(model.handle(), l, tokens, tokens.length, out),
                "compute logits");
        return out;
    }
}
