package dev.sam.train.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The original spec's "repetition rate" (token analysis, must stay below 5%): over all generated
 * samples, the share of token n-grams (n = {@value #N}) that repeat an n-gram seen earlier in the same
 * sample. A model stuck in a loop scores near 1; varied text scores near 0. Samples shorter than n
 * tokens contribute nothing.
 *
 * <pre>double r = RepetitionRate.of(List.of(ids1, ids2));</pre>
 */
public final class RepetitionRate {
    public static final int N = 4;

    private RepetitionRate() {
    }

    /** Repeated n-grams / all n-grams; 0 when no sample has n tokens. */
    public static double of(List<List<Integer>> samples) {
        long total = 0;
        long repeated = 0;
        for (List<Integer> s : samples) {
            Set<List<Integer>> seen = new HashSet<>();
            for (int i = 0; i + N <= s.size(); i++) {
                total++;
                if (!seen.add(List.copyOf(s.subList(i, i + N)))) {
                    repeated++;
                }
            }
        }
        return total == 0 ? 0 : (double) repeated / total;
    }
}
