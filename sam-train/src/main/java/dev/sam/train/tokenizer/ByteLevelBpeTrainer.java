package dev.sam.train.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Trains a byte-level BPE vocabulary the way HuggingFace's BpeTrainer does for GPT-2-style tokenizers:
 * split the text with the ByteLevel regex, map bytes to {@link ByteLevel} symbols, start from the 256
 * byte symbols and repeatedly merge the most frequent adjacent pair (ties: the pair whose symbols come
 * first in the vocabulary) until {@code merges} merges exist or no pair occurs at least twice.
 *
 * <pre>BpeVocabulary v = new ByteLevelBpeTrainer(512).train(BuiltinCorpus.texts());</pre>
 */
public final class ByteLevelBpeTrainer {
    private final int merges;
    private final int minFrequency;

    public ByteLevelBpeTrainer(int merges) {
        this(merges, 2);
    }

    public ByteLevelBpeTrainer(int merges, int minFrequency) {
        if (merges < 0) {
            throw new IllegalArgumentException("merges must be >= 0");
        }
        this.merges = merges;
        this.minFrequency = minFrequency;
    }

    public BpeVocabulary train(Iterable<String> texts) {
        // 1. word frequencies (sorted for a deterministic word order)
        Map<String, Long> freq = new TreeMap<>();
        for (String t : texts) {
            Matcher m = ByteLevel.GPT2_SPLIT.matcher(t);
            while (m.find()) {
                freq.merge(ByteLevel.encode(m.group()), 1L, Long::sum);
            }
        }
        List<String> vocab = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < 256; i++) {
            String s = String.valueOf(ByteLevel.alphabet(i));
            ids.put(s, i);
            vocab.add(s);
        }
        List<int[]> words = new ArrayList<>();
        long[] counts = new long[freq.size()];
        int w = 0;
        for (var e : freq.entrySet()) {
            String s = e.getKey();
            int[] sym = new int[s.length()];
            for (int i = 0; i < sym.length; i++) {
                sym[i] = ids.get(String.valueOf(s.charAt(i)));
            }
            words.add(sym);
            counts[w++] = e.getValue();
        }
        // 2. pair counts and, per pair, the words that contain it
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            addPairs(words.get(i), i, counts[i], +1, pairCount, where);
        }
        List<String[]> mergeList = new ArrayList<>();
        Set<Long> done = new HashSet<>();
        while (mergeList.size() < merges) {
            long best = -1;
            long bestCount = 0;
            for (var e : pairCount.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && c > 0 && Long.compareUnsigned(e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (bestCount < minFrequency) {
                break;
            }
            if (!done.add(best)) {
                pairCount.remove(best); // already merged once; cannot happen with fresh ids, kept for safety
                continue;
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            String merged = vocab.get(a) + vocab.get(b);
            Integer id = ids.get(merged);
            if (id == null) {
                id = vocab.size();
                vocab.add(merged);
                ids.put(merged, id);
            }
            mergeList.add(new String[] {vocab.get(a), vocab.get(b)});
            for (int wi : new ArrayList<>(where.getOrDefault(best, Set.of()))) {
                int[] old = words.get(wi);
                int[] neu = merge(old, a, b, id);
                if (neu.length != old.length) {
                    addPairs(old, wi, counts[wi], -1, pairCount, where);
                    words.set(wi, neu);
                    addPairs(neu, wi, counts[wi], +1, pairCount, where);
                }
            }
            pairCount.remove(best);
            where.remove(best);
        }
        Map<String, Integer> vocabMap = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            vocabMap.put(vocab.get(i), i);
        }
        return new BpeVocabulary(vocabMap, mergeList);
    }

    private static int[] merge(int[] sym, int a, int b, int id) {
        int[] out = new int[sym.length];
        int n = 0;
        for (int i = 0; i < sym.length; i++) {
            if (i + 1 < sym.length && sym[i] == a && sym[i + 1] == b) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = sym[i];
            }
        }
        return n == sym.length ? sym : java.util.Arrays.copyOf(out, n);
    }

    private static void addPairs(int[] sym, int word, long count, int sign, Map<Long, Long> pairCount,
                                 Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < sym.length; i++) {
            long key = ((long) sym[i] << 32) | (sym[i + 1] & 0xffffffffL);
            long c = pairCount.getOrDefault(key, 0L) + sign * count;
            if (c <= 0) {
                pairCount.remove(key);
            } else {
                pairCount.put(key, c);
            }
            if (sign > 0) {
                where.computeIfAbsent(key, k -> new HashSet<>()).add(word);
            }
        }
    }
}
