package dev.sam.train.data;

import dev.sam.core.SamException;
import java.util.List;

/**
 * {@code training.weighting: quality}: every sample's loss counts in proportion to its quality score, the
 * weights normalized to mean 1 over the training set (so the learning rate means what it meant unweighted)
 * — corrections, stored with quality 1.0, count most, as the original pipeline's distillation step intends.
 * A sample without a score gets the mean score (weight 1); a negative score counts as 0.
 *
 * <p>Within an optimizer step the weights are frequency weights: the step's loss is
 * {@code Σ w·CE / Σ w·n} over all its micro-batches' samples (CE a sample's summed cross-entropy, n its scored
 * targets), so a weight of 2 is exactly the sample twice and a weight of 0 is the sample absent — the
 * normalization over the whole accumulated step, not per micro-batch, follows Hugging Face transformers'
 * gradient-accumulation fix ({@code num_items_in_batch}); with the 8gb profile's one-sample micro-batches a
 * per-micro-batch mean would cancel every weight.
 *
 * <pre>double[] w = SampleWeights.of(train.examples(), "quality");</pre>
 */
public final class SampleWeights {
    private SampleWeights() {
    }

    /** One weight per example (mean 1), or null for {@code none}. */
    public static double[] of(List<TokenizedExample> examples, String weighting) {
        if (weighting == null || weighting.equals("none")) {
            return null;
        }
        if (!weighting.equals("quality")) {
            throw SamException.usage("unknown training.weighting '" + weighting + "'", "use none or quality");
        }
        double sum = 0;
        int scored = 0;
        for (TokenizedExample e : examples) {
            if (e.quality() != null) {
                sum += Math.max(0, e.quality());
                scored++;
            }
        }
        double fill = scored > 0 ? sum / scored : 1;
        double[] w = new double[examples.size()];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            Double q = examples.get(i).quality();
            w[i] = q == null ? fill : Math.max(0, q);
            total += w[i];
        }
        if (!(total > 0)) {
            throw SamException.failure("training.weighting is quality but every training sample has quality 0",
                    "set training.weighting to none, or check the samples' quality scores");
        }
        double mean = total / w.length;
        for (int i = 0; i < w.length; i++) {
            w[i] /= mean;
        }
        return w;
    }

    /**
     * The per-row weights to hand the native step for the micro-batches of one optimizer step, so that the
     * trainer's mean of micro-batch means ({@code Σ_b w'_b CE_b / n_m}, averaged over the micro-batches)
     * equals the step's weighted mean {@code Σ w·CE / Σ w·n}: {@code w' = w · n_m · micro / Σ w·n}.
     * All zeros when the step's samples all weigh 0.
     */
    public static float[][] forStep(List<Batch> micro) {
        double total = 0;
        long[] n = new long[micro.size()];
        for (int m = 0; m < micro.size(); m++) {
            Batch b = micro.get(m);
            for (int r = 0; r < b.rows(); r++) {
                int s = b.scoredTokens(r);
                n[m] += s;
                total += b.weights()[r] * s;
            }
        }
        float[][] out = new float[micro.size()][];
        for (int m = 0; m < micro.size(); m++) {
            Batch b = micro.get(m);
            out[m] = new float[b.rows()];
            for (int r = 0; r < b.rows(); r++) {
                out[m][r] = total > 0 ? (float) (b.weights()[r] * n[m] * micro.size() / total) : 0f;
            }
        }
        return out;
    }
}
