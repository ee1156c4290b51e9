package dev.sam.train.data;

import java.util.Arrays;
import java.util.List;

/**
 * One padded micro-batch in the native trainer's layout: {@code tokens} and {@code mask} are row-major
 * {@code [rows, seqLen]}, {@code lengths[b]} is row b's number of real tokens (the rest is padding, mask 0).
 * {@code index} is the batch's position in the endless sequence over epochs ({@code epoch = index / batchesPerEpoch}).
 * {@code weights[b]} is row b's sample weight ({@link SampleWeights}; null: unweighted).
 */
public record Batch(long index, int epoch, int rows, int seqLen, int[] tokens, int[] lengths, byte[] mask,
                    long scoredTokens, long realTokens, double[] weights) {

    /** An unweighted batch. */
    public Batch(long index, int epoch, int rows, int seqLen, int[] tokens, int[] lengths, byte[] mask,
                 long scoredTokens, long realTokens) {
        this(index, epoch, rows, seqLen, tokens, lengths, mask, scoredTokens, realTokens, null);
    }

    /** {@code examples} as one batch padded with {@code padId} to the longest; {@code weights} per row or null. */
    public static Batch of(long index, int epoch, List<TokenizedExample> examples, double[] weights, int padId) {
        int rows = examples.size();
        int seqLen = 0;
        for (TokenizedExample e : examples) {
            seqLen = Math.max(seqLen, e.length());
        }
        int[] tokens = new int[rows * seqLen];
        Arrays.fill(tokens, padId);
        byte[] mask = new byte[rows * seqLen];
        int[] lengths = new int[rows];
        long scored = 0;
        long real = 0;
        for (int r = 0; r < rows; r++) {
            TokenizedExample e = examples.get(r);
            System.arraycopy(e.tokens(), 0, tokens, r * seqLen, e.length());
            System.arraycopy(e.mask(), 0, mask, r * seqLen, e.length());
            lengths[r] = e.length();
            scored += e.scored();
            real += e.length();
        }
        return new Batch(index, epoch, rows, seqLen, tokens, lengths, mask, scored, real, weights);
    }

    /** Scored targets of row {@code r}. */
    public int scoredTokens(int r) {
        int n = 0;
        for (int i = r * seqLen + 1; i < r * seqLen + lengths[r]; i++) {
            n += mask[i];
        }
        return n;
    }

    /** The same arrays in the native binding's batch type (no copy). */
    public dev.sam.train.nativelib.TokenBatch toTokenBatch() {
        return new dev.sam.train.nativelib.TokenBatch(tokens, lengths, mask, rows, seqLen);
    }
}
