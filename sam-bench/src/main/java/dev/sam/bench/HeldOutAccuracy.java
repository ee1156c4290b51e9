package dev.sam.bench;

import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;
import java.util.List;

/** Held-out accuracy for {@link CurriculumBench}, beside its held-out loss. */
final class HeldOutAccuracy {
    private HeldOutAccuracy() {
    }

    /**
     * Teacher-forced held-out accuracy: the share of answer tokens whose arg-max prediction is right, and the
     * share of answers predicted right in full (what greedy decoding would reproduce). Cross-entropy alone
     * rewards hedging (a model trained on noisy labels is less confident, which held-out CE can prefer), so
     * the weighting arms are also judged by these.
     */
    static double[] of(NativeModel m, LoraAdapters a, List<TokenizedExample> heldOut) {
        int v = m.info().vocabSize();
        long right = 0;
        long all = 0;
        int exact = 0;
        for (TokenizedExample e : heldOut) {
            float[] logits = NativeEval.logits(m, a, e.tokens());
            boolean ok = true;
            for (int t = 1; t < e.length(); t++) {
                if (e.mask()[t] == 0) {
                    continue;
                }
                int arg = 0;
                for (int k = 1; k < v; k++) {
                    arg = logits[(t - 1) * v + k] > logits[(t - 1) * v + arg] ? k : arg;
                }
                boolean hit = arg == e.tokens()[t];
                right += hit ? 1 : 0;
                ok &= hit;
                all++;
            }
            exact += ok ? 1 : 0;
        }
        return new double[] {(double) right / all, (double) exact / heldOut.size()};
    }
}
