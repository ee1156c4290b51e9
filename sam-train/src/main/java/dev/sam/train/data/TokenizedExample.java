package dev.sam.train.data;

/**
 * One training sequence. {@code mask[t] == 1} when token {@code t} (t >= 1) is a scored target, i.e.
 * the loss includes predicting {@code tokens[t]} from position {@code t-1} (the convention of the native
 * trainer's {@code sam_train_accumulate}); {@code mask[0]} is always 0. {@code offset} is the number of
 * prompt tokens (mlx-lm's offset; 0 for text records). {@code quality} is the sample's quality score (null:
 * the sample has none), the input of {@code training.weighting: quality}.
 */
public record TokenizedExample(String location, int[] tokens, byte[] mask, int offset, Double quality) {

    /** An example without a quality score. */
    public TokenizedExample(String location, int[] tokens, byte[] mask, int offset) {
        this(location, tokens, mask, offset, null);
    }

    public int length() {
        return tokens.length;
    }

    /** Number of scored targets. */
    public int scored() {
        int n = 0;
        for (byte b : mask) {
            n += b;
        }
        return n;
    }
}
