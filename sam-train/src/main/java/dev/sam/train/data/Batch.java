package dev.sam.train.data;

/**
 * One padded micro-batch in the native trainer's layout: {@code tokens} and {@code mask} are row-major
 * {@code [rows, seqLen]}, {@code lengths[b]} is row b's number of real tokens (the rest is padding, mask 0).
 * {@code index} is the batch's position in the endless sequence over epochs ({@code epoch = index / batchesPerEpoch}).
 */
public record Batch(long index, int epoch, int rows, int seqLen, int[] tokens, int[] lengths, byte[] mask,
                    long scoredTokens, long realTokens) {

    /** The same arrays in the native binding's batch type (no copy). */
    public dev.sam.train.nativelib.TokenBatch toTokenBatch() {
        return new dev.sam.train.nativelib.TokenBatch(tokens, lengths, mask, rows, seqLen);
    }
}
