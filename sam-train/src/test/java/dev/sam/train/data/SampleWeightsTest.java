package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** training.weighting: quality → weights of mean 1, and the per-step row weights handed to the native step. */
class SampleWeightsTest {
    static TokenizedExample ex(Double quality, int scored) {
        int[] tokens = new int[scored + 2];
        byte[] mask = new byte[scored + 2];
        for (int i = 2; i < mask.length; i++) {
            mask[i] = 1;
        }
        return new TokenizedExample("x", tokens, mask, 2, quality);
    }

    @Test
    void qualitiesBecomeWeightsOfMeanOne() {
        double[] w = SampleWeights.of(List.of(ex(1.0, 3), ex(0.5, 3), ex(null, 3), ex(-2.0, 3)), "quality");
        // scores 1, 0.5, missing -> mean of the present scores (1 + 0.5 + 0) / 3 = 0.5, negative -> 0
        double mean = (1 + 0.5 + 0.5 + 0) / 4;
        assertArrayEquals(new double[] {1 / mean, 0.5 / mean, 0.5 / mean, 0}, w, 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(w).average().orElseThrow(), 1e-12);
        assertNull(SampleWeights.of(List.of(ex(1.0, 3)), "none"), "none: unweighted");
        assertArrayEquals(new double[] {1, 1}, SampleWeights.of(List.of(ex(null, 3), ex(null, 4)), "quality"), 0,
                "no scores at all: every weight 1");
        SamException e = assertThrows(SamException.class, () -> SampleWeights.of(List.of(ex(0.0, 3)), "quality"));
        assertTrue(e.getMessage().contains("quality 0"), e.getMessage());
    }

    @Test
    void stepWeightsMakeTheStepLossTheWeightedTokenMean() {
        // micro-batch 0: rows of 3 and 5 targets (weights 2, 0.5); micro-batch 1: one row of 4 targets (weight 1)
        Batch m0 = Batch.of(0, 0, List.of(ex(null, 3), ex(null, 5)), new double[] {2, 0.5}, 0);
        Batch m1 = Batch.of(1, 0, List.of(ex(null, 4)), new double[] {1}, 0);
        float[][] w = SampleWeights.forStep(List.of(m0, m1));
        double total = 2 * 3 + 0.5 * 5 + 1 * 4;
        // native: mean over micro-batches of (Σ w' CE / n_m) must be Σ w CE / total for every CE
        assertEquals(2 * 8 * 2 / total, w[0][0], 1e-6);
        assertEquals(0.5 * 8 * 2 / total, w[0][1], 1e-6);
        assertEquals(1 * 4 * 2 / total, w[1][0], 1e-6);
        float[][] zero = SampleWeights.forStep(List.of(Batch.of(0, 0, List.of(ex(null, 3)), new double[] {0}, 0)));
        assertArrayEquals(new float[] {0}, zero[0]);
    }
}
