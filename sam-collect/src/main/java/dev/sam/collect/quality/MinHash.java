package dev.sam.collect.quality;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * MinHash signatures and LSH band keys for near-duplicate detection (Broder 1997; banding as in
 * Leskovec, Rajaraman, Ullman, "Mining of Massive Datasets" ch. 3.4). 128 hash functions in 16 bands of
 * 8 rows: a pair with Jaccard 0.85 shares at least one band with probability 1 - (1 - 0.85^8)^16 ≈ 0.994;
 * candidates are then confirmed by the signature agreement, which estimates Jaccard with a standard
 * error of about 0.03 at 0.85.
 *
 * <pre>int[] sig = MinHash.signature(SampleText.of(s).shingles()); double j = MinHash.similarity(sig, other);</pre>
 */
public final class MinHash {
    public static final int HASHES = 128;
    public static final int BANDS = 16;
    public static final int ROWS = HASHES / BANDS;

    private static final long[] A = new long[HASHES];
    private static final long[] B = new long[HASHES];

    static {
        // A fixed seed: signatures are stored in sam.db and must compare across runs and versions.
        SplittableRandom r = new SplittableRandom(0x5A3_C011EC7L);
        for (int i = 0; i < HASHES; i++) {
            A[i] = r.nextLong() | 1L;
            B[i] = r.nextLong();
        }
    }

    private MinHash() {
    }

    /** The signature of a shingle set; null when there are no shingles (nothing to compare). */
    public static int[] signature(long[] shingles) {
        if (shingles.length == 0) {
            return null;
        }
        int[] sig = new int[HASHES];
        // one hash function at a time over all shingles: its coefficients and running minimum stay in
        // registers (the other order loaded and stored sig[i], A[i] and B[i] for every shingle; the quick
        // compiler the launcher runs `sam collect` with keeps them in memory)
        for (int i = 0; i < HASHES; i++) {
            final long a = A[i];
            final long b = B[i];
            int min = Integer.MAX_VALUE;
            for (long x : shingles) {
                // multiply-shift hashing (Dietzfelbinger et al.): the high 31 bits of a*x + b
                int h = (int) ((a * x + b) >>> 33);
                min = Math.min(min, h);
            }
            sig[i] = min;
        }
        return sig;
    }

    /** The estimated Jaccard similarity: the share of equal positions. */
    public static double similarity(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < HASHES; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return same / (double) HASHES;
    }

    /** The key of band {@code band}: a 64-bit hash of its rows and its index. */
    public static long bandKey(int[] sig, int band) {
        long h = 0x9E3779B97F4A7C15L * (band + 1);
        for (int i = band * ROWS; i < (band + 1) * ROWS; i++) {
            h = SampleText.mix(h ^ sig[i]);
        }
        return h;
    }

    public static byte[] toBytes(int[] sig) {
        ByteBuffer b = ByteBuffer.allocate(HASHES * 4);
        for (int v : sig) {
            b.putInt(v);
        }
        return b.array();
    }

    /** The signature stored by {@link #toBytes}, or null for a missing or malformed blob. */
    public static int[] fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != HASHES * 4) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int[] sig = new int[HASHES];
        for (int i = 0; i < HASHES; i++) {
            sig[i] = b.getInt();
        }
        return sig;
    }
}
