package dev.sam.collect.quality;

import dev.sam.collect.Reasons;
import java.util.Arrays;

/**
 * Exact and near-duplicate lookup over every sample ever accepted (all sources, all runs), held in
 * memory for speed: a set of exact hashes (64-bit prefixes of the SHA-256) and LSH band tables over
 * MinHash signatures. Loaded from sam.db at the start of a collection, extended as samples are accepted.
 *
 * <pre>String why = index.check(hash, prompt, sig); if (why == null) index.add(hash, prompt, sig);</pre>
 */
public final class DedupIndex {
    private final double threshold;
    private final LongIntMultimap exact = new LongIntMultimap(1024);
    private final LongIntMultimap prompts = new LongIntMultimap(1024);
    private final LongIntMultimap bands = new LongIntMultimap(1024 * MinHash.BANDS);
    private int[] signatures = new int[1024 * MinHash.HASHES];
    private int count;

    /** @param threshold Jaccard similarity from which two samples count as near-duplicates (0.85 by default) */
    public DedupIndex(double threshold) {
        this.threshold = threshold;
    }

    /**
     * null when new; else {@link Reasons#DUPLICATE}, {@link Reasons#CONFLICT} (the same prompt was kept
     * with another answer: two answers to one question teach neither) or {@link Reasons#NEAR_DUPLICATE}.
     *
     * @param promptHash {@link SampleText#promptHash}, or null for records without one (preference pairs)
     */
    public String check(String exactHash, String promptHash, int[] sig) {
        if (exact.containsKey(key(exactHash))) {
            return Reasons.DUPLICATE;
        }
        if (promptHash != null && prompts.containsKey(key(promptHash))) {
            return Reasons.CONFLICT;
        }
        if (sig != null) {
            for (int b = 0; b < MinHash.BANDS; b++) {
                boolean near = bands.anyMatch(MinHash.bandKey(sig, b), i -> similarity(sig, i) >= threshold);
                if (near) {
                    return Reasons.NEAR_DUPLICATE;
                }
            }
        }
        return null;
    }

    /** Remembers a sample (sig may be null: then only exact duplicates of it are found). */
    public void add(String exactHash, String promptHash, int[] sig) {
        int i = count++;
        exact.put(key(exactHash), i);
        if (promptHash != null) {
            prompts.put(key(promptHash), i);
        }
        if (sig == null) {
            return;
        }
        if ((i + 1) * MinHash.HASHES > signatures.length) {
            signatures = Arrays.copyOf(signatures, signatures.length * 2);
        }
        System.arraycopy(sig, 0, signatures, i * MinHash.HASHES, MinHash.HASHES);
        for (int b = 0; b < MinHash.BANDS; b++) {
            bands.put(MinHash.bandKey(sig, b), i);
        }
    }

    public int size() {
        return count;
    }

    private double similarity(int[] sig, int index) {
        int same = 0;
        int base = index * MinHash.HASHES;
        for (int k = 0; k < MinHash.HASHES; k++) {
            if (signatures[base + k] == sig[k]) {
                same++;
            }
        }
        return same / (double) MinHash.HASHES;
    }

    private static long key(String hex) {
        return Long.parseUnsignedLong(hex.substring(0, 16), 16);
    }
}
