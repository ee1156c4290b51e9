package dev.sam.collect.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secret values found so far (in one sample, or in a whole collect run), each with its placeholder, and
 * a fast replace-all of every one of them in a text: a value found once (after {@code AccountKey=}, in a
 * PEM block) is replaced again where it is quoted bare (a doc sentence, a commit message, a later diff).
 * Search is a Rabin–Karp scan over the first {@link #MIN_LENGTH} characters of every value (Karp and Rabin
 * 1987), so its cost does not grow with the number of values. Thread-safe: readers use an immutable
 * snapshot, writers replace it.
 *
 * <pre>known.add("s3cr3tValue1", "&lt;SECRET&gt;"); String clean = known.replaceIn(text, counts);</pre>
 */
public final class KnownSecrets {
    /** Values shorter than this are replaced only where a rule found them (short ones would mangle words). */
    public static final int MIN_LENGTH = 8;
    private static final long BASE = 1_000_003L;
    private static final long POW = pow();

    private final Map<String, String> values = new LinkedHashMap<>();
    private volatile Index index = new Index(Map.of());

    /** Remembers a value; true when it is new. Values shorter than {@link #MIN_LENGTH} are ignored. */
    public synchronized boolean add(String value, String placeholder) {
        if (value.length() < MIN_LENGTH || values.containsKey(value)) {
            return false;
        }
        values.put(value, placeholder);
        index = new Index(values);
        return true;
    }

    public int size() {
        return index.byValue.size();
    }

    public boolean isEmpty() {
        return index.byValue.isEmpty();
    }

    /** The text with every known value replaced by its placeholder; counts replacements per placeholder. */
    public String replaceIn(String text, Map<String, Integer> counts) {
        Index ix = index;
        if (ix.byValue.isEmpty() || text == null || text.length() < MIN_LENGTH) {
            return text;
        }
        StringBuilder out = null;
        int last = 0;
        int n = text.length();
        long h = hash(text, 0);
        for (int i = 0; i + MIN_LENGTH <= n; ) {
            String hit = ix.contains(h) ? ix.longestAt(text, i, h) : null;
            if (hit != null) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                String placeholder = ix.byValue.get(hit);
                out.append(text, last, i).append(placeholder);
                counts.merge(placeholder, 1, Integer::sum);
                i += hit.length();
                last = i;
                if (i + MIN_LENGTH <= n) {
                    h = hash(text, i);
                }
                continue;
            }
            if (i + MIN_LENGTH < n) {
                h = (h - text.charAt(i) * POW) * BASE + text.charAt(i + MIN_LENGTH);
            }
            i++;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, n).toString();
    }

    private static long hash(String s, int from) {
        long h = 0;
        for (int i = from; i < from + MIN_LENGTH; i++) {
            h = h * BASE + s.charAt(i);
        }
        return h;
    }

    private static long pow() {
        long p = 1;
        for (int i = 1; i < MIN_LENGTH; i++) {
            p *= BASE;
        }
        return p;
    }

    /** Immutable: values by the hash of their first MIN_LENGTH chars (longest first), and an open-addressed hash set. */
    private static final class Index {
        final Map<String, String> byValue;
        final Map<Long, List<String>> byPrefix = new HashMap<>();
        final long[] table;
        final boolean[] used;
        final int mask;

        Index(Map<String, String> values) {
            byValue = Map.copyOf(values);
            for (String v : byValue.keySet()) {
                byPrefix.computeIfAbsent(hash(v, 0), k -> new ArrayList<>()).add(v);
            }
            byPrefix.values().forEach(l -> l.sort(Comparator.comparingInt(String::length).reversed()));
            int size = Integer.highestOneBit(Math.max(16, byPrefix.size() * 4 - 1)) << 1;
            table = new long[size];
            used = new boolean[size];
            mask = size - 1;
            for (long k : byPrefix.keySet()) {
                int i = slot(k);
                while (used[i] && table[i] != k) {
                    i = (i + 1) & mask;
                }
                table[i] = k;
                used[i] = true;
            }
        }

        boolean contains(long h) {
            int i = slot(h);
            while (used[i]) {
                if (table[i] == h) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }

        String longestAt(String text, int at, long h) {
            for (String v : byPrefix.getOrDefault(h, List.of())) {
                if (text.startsWith(v, at)) {
                    return v;
                }
            }
            return null;
        }

        private int slot(long h) {
            return (int) (SampleText.mix(h) & mask);
        }
    }
}
