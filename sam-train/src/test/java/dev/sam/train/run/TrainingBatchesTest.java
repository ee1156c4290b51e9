package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.TrainingProfile;
import dev.sam.train.data.Batch;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.CompetenceCurriculum;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.runs.RunPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run's batch schedule from its weighting and curriculum (length needs no model; loss: CurriculumResumeTest). */
class TrainingBatchesTest {
    static List<TokenizedExample> examples() {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int len = 3 + (i * 7) % 40;   // lengths 3..42 in shuffled order
            int[] t = new int[len];
            byte[] m = new byte[len];
            m[len - 1] = 1;
            out.add(new TokenizedExample("x:" + i, t, m, 1, i % 2 == 0 ? 1.0 : 0.5));
        }
        return out;
    }

    static RunPlan plan(String weighting, String curriculum) {
        TrainingProfile p = TrainingProfile.tiny().toBuilder().batchSize(4).gradAccum(1).build();
        return new RunPlan("r", "tiny", p, "/m", List.of(), false, 0, 0.1, true,
                new RunPlan.DataShape(40, 0, 10, 100, 42, "fp"), null, weighting, curriculum, null);
    }

    @Test
    void noneIsTheLengthGroupedIteratorUnweighted() {
        TrainingBatches.Built b = TrainingBatches.of(plan("none", "none"), examples(), null, null);
        assertInstanceOf(BatchIterator.class, b.schedule());
        assertNull(b.schedule().batch(0).weights());
        assertNull(b.note());
    }

    @Test
    void lengthCurriculumStartsWithTheShortestAndCarriesWeights() {
        TrainingBatches.Built b = TrainingBatches.of(plan("quality", "length"), examples(), null, null);
        assertInstanceOf(CompetenceCurriculum.class, b.schedule());
        Batch first = b.schedule().batch(0);
        for (int r = 0; r < first.rows(); r++) {
            assertTrue(first.lengths()[r] <= 6, "step 0 draws from the 4 shortest (lengths 3..6), got " + first.lengths()[r]);
            double q = first.weights()[r];
            assertTrue(q == 1.0 / 0.75 || q == 0.5 / 0.75, "weight = quality / mean quality, got " + q);
        }
        assertTrue(b.note().contains("curriculum: length, easy to hard") && b.note().contains("at step 50")
                && b.note().contains("weighting: quality"), b.note());
        assertEquals(50, TrainingBatches.rampSteps(100));
    }
}
