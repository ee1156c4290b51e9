package dev.sam.collect.quality;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * An open-addressing multimap from long keys to int values, without boxing: the LSH tables hold
 * 16 entries per sample, which as {@code HashMap<Long, List<Integer>>} would cost ~100 bytes each.
 */
final class LongIntMultimap {
    private static final int FREE = -1;

    private long[] keys;
    private int[] values;
    private int size;

    LongIntMultimap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, FREE);
    }

    void put(long key, int value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = (int) SampleText.mix(key) & mask;
        while (values[i] != FREE) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    /** Calls {@code visit} with each value stored under key until it returns true; true if one did. */
    boolean anyMatch(long key, IntPredicate visit) {
        int mask = keys.length - 1;
        int i = (int) SampleText.mix(key) & mask;
        while (values[i] != FREE) {
            if (keys[i] == key && visit.test(values[i])) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    boolean containsKey(long key) {
        return anyMatch(key, v -> true);
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, FREE);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != FREE) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
