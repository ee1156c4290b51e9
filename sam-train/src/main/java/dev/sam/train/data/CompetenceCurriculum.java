package dev.sam.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Easy-to-hard batches on a competence schedule (Platanios et al. 2019, "Competence-based Curriculum
 * Learning for Neural Machine Translation", Algorithm 1 with the square-root competence of their eq. 7):
 * examples are ranked by difficulty, and optimizer step t draws every row of its micro-batches uniformly
 * from the easiest {@code c(t)} fraction of the data, {@code c(t) = min(1, sqrt(t·(1 − c0²)/T + c0²))} —
 * the admitted pool grows from {@code c0} to everything at step T, after which sampling is uniform over all
 * examples. The paper's difficulty CDF is the rank here (ties by data order). A pool is never smaller than
 * one micro-batch. Rows of a micro-batch are distinct; draws are independent between micro-batches, as in
 * the paper.
 *
 * <p>Batch {@code index} is drawn with a random generator seeded by (seed, index) only, so the sequence is a
 * pure function of (difficulties, settings, index): deterministic per seed, and a resumed run rebuilds the
 * exact batches from its step without replaying anything.
 *
 * <pre>BatchSchedule s = new CompetenceCurriculum(examples, lengths, null, 4, 2, 500, 0.01, 250, seed, 0);</pre>
 */
public final class CompetenceCurriculum implements BatchSchedule {
    /** Initial competence used by Platanios et al. (their c0 = 0.01). */
    public static final double C0 = 0.01;

    private final List<TokenizedExample> ranked;
    private final double[] rankedWeights;
    private final int batchSize;
    private final int gradAccum;
    private final double c0;
    private final long rampSteps;
    private final long seed;
    private final int padId;

    /**
     * @param difficulty per example (aligned with {@code examples}); lower is easier
     * @param weights    per example ({@link SampleWeights}) or null
     * @param rampSteps  T: the optimizer step at which the whole data is admitted (>= 1)
     */
    public CompetenceCurriculum(List<TokenizedExample> examples, double[] difficulty, double[] weights, int batchSize,
                                int gradAccum, double c0, long rampSteps, long seed, int padId) {
        if (examples.isEmpty() || difficulty.length != examples.size() || batchSize <= 0 || gradAccum <= 0
                || rampSteps < 1 || !(c0 > 0 && c0 <= 1)) {
            throw new IllegalArgumentException("bad curriculum: " + examples.size() + " examples, " + difficulty.length
                    + " difficulties, batch " + batchSize + ", grad accum " + gradAccum + ", c0 " + c0 + ", T " + rampSteps);
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparingDouble((Integer i) -> difficulty[i]).thenComparingInt(i -> i));
        this.ranked = idx.stream().map(examples::get).toList();
        this.rankedWeights = weights == null ? null : idx.stream().mapToDouble(i -> weights[i]).toArray();
        this.batchSize = batchSize;
        this.gradAccum = gradAccum;
        this.c0 = c0;
        this.rampSteps = rampSteps;
        this.seed = seed;
        this.padId = padId;
    }

    /** Competence at optimizer step {@code t}: the admitted fraction of the data (eq. 7 of the paper). */
    public static double competence(long t, long rampSteps, double c0) {
        return Math.min(1.0, Math.sqrt(t * (1 - c0 * c0) / rampSteps + c0 * c0));
    }

    /** Number of easiest examples admitted at optimizer step {@code t}. */
    public int poolSize(long step) {
        int n = ranked.size();
        int pool = (int) Math.ceil(competence(step, rampSteps, c0) * n - 1e-9);
        return Math.min(n, Math.max(pool, Math.min(n, batchSize)));
    }

    @Override
    public int batchesPerEpoch() {
        return (ranked.size() + batchSize - 1) / batchSize;
    }

    /** Ranks (0 = easiest) of the rows of batch {@code index}. */
    public int[] ranks(long index) {
        int pool = poolSize(index / gradAccum);
        int rows = Math.min(batchSize, pool);
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (index + 1) * 0xBF58476D1CE4E5B9L);
        // Floyd's sampling: `rows` distinct values of [0, pool), uniform, without materializing the pool
        int[] out = new int[rows];
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int k = 0;
        for (int j = pool - rows; j < pool; j++) {
            int v = rnd.nextInt(j + 1);
            out[k++] = seen.add(v) ? v : add(seen, j);
        }
        Arrays.sort(out);
        return out;
    }

    private static int add(java.util.Set<Integer> seen, int j) {
        seen.add(j);
        return j;
    }

    @Override
    public Batch batch(long index) {
        int[] r = ranks(index);
        List<TokenizedExample> rows = new ArrayList<>(r.length);
        double[] w = rankedWeights == null ? null : new double[r.length];
        for (int i = 0; i < r.length; i++) {
            rows.add(ranked.get(r[i]));
            if (w != null) {
                w[i] = rankedWeights[r[i]];
            }
        }
        return Batch.of(index, Math.toIntExact(index / batchesPerEpoch()), rows, w, padId);
    }
}
