package dev.sam.train.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Batches as mlx-lm's {@code iterate_batches} makes them: examples sorted by length, cut into
 * consecutive batches of {@code batchSize} (similar lengths together, little padding), the order of the
 * batches shuffled anew every epoch by a seeded permutation. Two differences, both on purpose: the last,
 * smaller batch is kept (mlx-lm drops it, silently losing up to batchSize-1 samples), and rows are padded
 * to the longest row of the batch (the native trainer takes lengths, no need for mlx's multiple of 32).
 * The sequence of batches is a pure function of (examples, batchSize, seed), so training resumes exactly
 * with {@link #from(long)}.
 *
 * <pre>Iterator&lt;Batch&gt; it = new BatchIterator(data.examples(), 4, seed, 0).from(checkpointStep);</pre>
 */
public final class BatchIterator implements BatchSchedule {
    private final List<TokenizedExample> sorted;
    private final double[] sortedWeights;
    private final int batchSize;
    private final long seed;
    private final int padId;
    private final int perEpoch;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    public BatchIterator(List<TokenizedExample> examples, int batchSize, long seed, int padId) {
        this(examples, null, batchSize, seed, padId);
    }

    /** With a weight per example ({@link SampleWeights}, aligned with {@code examples}; null: unweighted). */
    public BatchIterator(List<TokenizedExample> examples, double[] weights, int batchSize, long seed, int padId) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0");
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to batch");
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparingInt((Integer i) -> examples.get(i).length()).thenComparingInt(i -> i));
        this.sorted = idx.stream().map(examples::get).toList();
        this.sortedWeights = weights == null ? null : idx.stream().mapToDouble(i -> weights[i]).toArray();
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
        this.perEpoch = (examples.size() + batchSize - 1) / batchSize;
    }

    @Override
    public int batchesPerEpoch() {
        return perEpoch;
    }

    /** The batch at position {@code index} of the endless sequence (epoch after epoch). */
    @Override
    public synchronized Batch batch(long index) {
        int epoch = Math.toIntExact(index / perEpoch);
        int slot = (int) (index % perEpoch);
        int b = order(epoch)[slot];
        int from = b * batchSize;
        int to = Math.min(sorted.size(), from + batchSize);
        return Batch.of(index, epoch, sorted.subList(from, to),
                sortedWeights == null ? null : java.util.Arrays.copyOfRange(sortedWeights, from, to), padId);
    }

    /** Batches from position {@code start} on, endlessly; stop by count (steps) or by epoch. */
    public Iterator<Batch> from(long start) {
        return new Iterator<>() {
            private long next = start;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Batch next() {
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                return batch(next++);
            }
        };
    }

    /** The batch order of an epoch: a Fisher-Yates permutation seeded by (seed, epoch). */
    private int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            int[] p = new int[perEpoch];
            for (int i = 0; i < perEpoch; i++) {
                p[i] = i;
            }
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = perEpoch - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedEpoch = epoch;
            cachedOrder = p;
        }
        return cachedOrder;
    }
}
