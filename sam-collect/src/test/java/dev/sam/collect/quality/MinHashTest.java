package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Signatures are stored in sam.db and compared across runs and versions, so their values must never
 * change: 200 signatures of random shingle sets against the digest the original loop (per shingle, every
 * hash function) gave.
 */
class MinHashTest {
    /** The digest of the 200 signatures below, as computed since signatures were first stored. */
    private static final long STABLE_DIGEST = -7532179853409905403L;

    @Test
    void signaturesNeverChange() {
        Random r = new Random(11);
        long digest = 17;
        for (int t = 0; t < 200; t++) {
            long[] shingles = new long[1 + r.nextInt(300)];
            for (int i = 0; i < shingles.length; i++) {
                shingles[i] = r.nextLong();
            }
            int[] sig = MinHash.signature(shingles);
            digest = 31 * digest + Arrays.hashCode(sig);
        }
        assertEquals(STABLE_DIGEST, digest, "MinHash signatures changed: stored ones would no longer compare");
        assertNull(MinHash.signature(new long[0]));
    }
}
