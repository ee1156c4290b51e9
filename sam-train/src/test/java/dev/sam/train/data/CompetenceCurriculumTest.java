package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, "Curriculum": the competence schedule is the paper's formula; batches are drawn only from the
 * admitted (easiest) pool, which grows easy → hard to the whole data at step T; the sequence is a pure
 * function of (seed, index) — equal for equal seeds, different for others, and rebuilt exactly by a fresh
 * instance at any index (what a resumed run does).
 */
class CompetenceCurriculumTest {
    static final int N = 200;

    /** Example i has i+2 tokens; its difficulty is a shuffled value so rank != data order. */
    static List<TokenizedExample> examples() {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            int[] t = new int[i % 17 + 2];
            java.util.Arrays.fill(t, i); // token id = example id: rows identify their example
            byte[] m = new byte[t.length];
            m[t.length - 1] = 1;
            out.add(new TokenizedExample("x:" + i, t, m, 1, null));
        }
        return out;
    }

    static double[] difficulty() {
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = (i * 73) % N; // a permutation of 0..N-1
        }
        return d;
    }

    static CompetenceCurriculum curriculum(long seed) {
        return new CompetenceCurriculum(examples(), difficulty(), null, 4, 2, 0.01, 100, seed, 0);
    }

    /** Difficulty of every row of batch i (rows identify their example by token id). */
    static List<Double> rowDifficulties(Batch b) {
        double[] d = difficulty();
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < b.rows(); r++) {
            out.add(d[b.tokens()[r * b.seqLen()]]);
        }
        return out;
    }

    @Test
    void competenceIsThePapersSquareRootSchedule() {
        assertEquals(0.01, CompetenceCurriculum.competence(0, 100, 0.01), 1e-12);
        assertEquals(Math.sqrt(50 * (1 - 1e-4) / 100 + 1e-4), CompetenceCurriculum.competence(50, 100, 0.01), 1e-12);
        assertEquals(1.0, CompetenceCurriculum.competence(100, 100, 0.01), 1e-12);
        assertEquals(1.0, CompetenceCurriculum.competence(500, 100, 0.01), 1e-12);
        CompetenceCurriculum c = curriculum(1);
        assertEquals(4, c.poolSize(0), "never below one micro-batch (0.01 x 200 = 2 < batch 4)");
        assertEquals((int) Math.ceil(CompetenceCurriculum.competence(30, 100, 0.01) * N), c.poolSize(30));
        assertEquals(N, c.poolSize(100));
    }

    @Test
    void batchesComeFromTheEasiestPoolAndGrowHarder() {
        CompetenceCurriculum c = curriculum(7);
        double[] meanByQuarter = new double[4];
        for (long i = 0; i < 400; i++) {   // 200 steps x grad accum 2; T = 100 steps
            Batch b = c.batch(i);
            long step = i / 2;
            List<Double> d = rowDifficulties(b);
            assertEquals(4, new HashSet<>(d).size(), "distinct rows");
            for (double x : d) {
                assertTrue(x < c.poolSize(step), "batch " + i + " (step " + step + ") row of difficulty rank " + x
                        + " outside the admitted pool of " + c.poolSize(step));
            }
            meanByQuarter[(int) (step / 50)] += d.stream().mapToDouble(Double::doubleValue).sum() / (4 * 100.0);
        }
        assertTrue(meanByQuarter[0] < meanByQuarter[1] && meanByQuarter[1] < meanByQuarter[2],
                "easy to hard: mean difficulty rank per quarter " + java.util.Arrays.toString(meanByQuarter));
        // after T the whole data is admitted: the hardest examples do appear
        Set<Double> late = new HashSet<>();
        for (long i = 200; i < 400; i++) {
            late.addAll(rowDifficulties(c.batch(i)));
        }
        assertTrue(late.stream().anyMatch(x -> x >= N - 20), "hard examples after T");
    }

    @Test
    void deterministicPerSeedAndRebuiltAtAnyIndex() {
        CompetenceCurriculum a = curriculum(3);
        CompetenceCurriculum b = curriculum(3);
        CompetenceCurriculum other = curriculum(4);
        boolean differs = false;
        for (long i = 0; i < 300; i++) {
            assertArrayEquals(a.batch(i).tokens(), b.batch(i).tokens(), "same seed, batch " + i);
            differs |= !java.util.Arrays.equals(a.batch(i).tokens(), other.batch(i).tokens());
        }
        assertTrue(differs, "another seed gives another order");
        // a resumed run starts a fresh schedule at its step: batch 157 without having drawn 0..156
        assertArrayEquals(a.batch(157).tokens(), curriculum(3).batch(157).tokens());
        assertFalse(a.batch(0).tokens().length == 0);
    }

    @Test
    void weightsFollowTheirRows() {
        double[] w = new double[N];
        for (int i = 0; i < N; i++) {
            w[i] = i / 100.0;
        }
        CompetenceCurriculum c = new CompetenceCurriculum(examples(), difficulty(), w, 4, 1, 0.01, 10, 1, 0);
        Batch b = c.batch(33);
        for (int r = 0; r < b.rows(); r++) {
            assertEquals(b.tokens()[r * b.seqLen()] / 100.0, b.weights()[r], 1e-12);
        }
    }
}
