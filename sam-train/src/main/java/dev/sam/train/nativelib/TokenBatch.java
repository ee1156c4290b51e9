package dev.sam.train.nativelib;

/**
 * A padded batch in the native layout: tokens [batch, seqLen] row-major, lengths[b] valid tokens of
 * row b, lossMask [batch, seqLen] with 1 where token t (t >= 1) is a scored target predicted from t-1.
 */
public record TokenBatch(int[] tokens, int[] lengths, byte[] lossMask, int batch, int seqLen) {
    public TokenBatch {
        if (batch <= 0 || seqLen <= 0 || tokens.length != batch * seqLen || lossMask.length != batch * seqLen
                || lengths.length != batch) {
            throw new IllegalArgumentException("inconsistent batch: " + batch + " x " + seqLen);
        }
    }

    /** One sequence; targets scored from position {@code maskFrom} on (0 or 1 = all targets). */
    public static TokenBatch single(int[] ids, int maskFrom) {
        byte[] mask = new byte[ids.length];
        for (int t = Math.max(1, maskFrom); t < ids.length; t++) {
            mask[t] = 1;
        }
        return new TokenBatch(ids.clone(), new int[] {ids.length}, mask, 1, ids.length);
    }

    public long targets() {
        long n = 0;
        for (byte b : lossMask) {
            n += b;
        }
        return n;
    }
}
