package dev.sam.train.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code collect.mix}: the shares of a run's samples per slice ({@code source} or {@code source/kind}).
 * Slices over their share are sampled down — never up, so no sample is repeated — keeping the records
 * with the smallest content hash, so the same data and mix always keep the same records. The run's size
 * is the largest that meets every configured share with the samples available; slices the mix does not
 * name share what is left. An empty mix keeps everything.
 *
 * <pre>DataMix.Result r = new DataMix(Map.of("commits", 0.4)).apply(records); r.records(); r.slices();</pre>
 */
public final class DataMix {
    /** Per slice: samples available, samples used, the configured share (null when not configured). */
    public record Slice(long available, long used, Double share) {
    }

    /** The records kept (in their original order) and what the mix did per slice. */
    public record Result(List<TrainingRecord> records, Map<String, Double> configured, Map<String, Slice> slices) {
    }

    private final Map<String, Double> mix;

    public DataMix(Map<String, Double> mix) {
        this.mix = mix == null ? Map.of() : new TreeMap<>(mix);
    }

    public Result apply(List<TrainingRecord> records) {
        Map<String, List<TrainingRecord>> groups = new TreeMap<>();
        for (TrainingRecord r : records) {
            groups.computeIfAbsent(group(r), g -> new ArrayList<>()).add(r);
        }
        Map<String, Long> quota = quotas(groups);
        List<TrainingRecord> kept = new ArrayList<>();
        java.util.Set<TrainingRecord> keep = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Map<String, Slice> slices = new LinkedHashMap<>();
        for (Map.Entry<String, List<TrainingRecord>> g : groups.entrySet()) {
            List<TrainingRecord> l = g.getValue();
            long q = quota.getOrDefault(g.getKey(), (long) l.size());
            if (q < l.size()) {
                l = l.stream().sorted(Comparator.comparing(DataMix::hash)).limit(q).toList();
            }
            keep.addAll(l);
            slices.put(g.getKey(), new Slice(g.getValue().size(), l.size(), mix.get(g.getKey())));
        }
        for (TrainingRecord r : records) {
            if (keep.contains(r)) {
                kept.add(r);
            }
        }
        return new Result(kept, Map.copyOf(mix), slices);
    }

    /** The configured slice a record falls in: its {@code source/kind} when named, else its source. */
    private String group(TrainingRecord r) {
        return mix.containsKey(r.slice()) ? r.slice() : SampleKind.sourceName(r.source());
    }

    /**
     * Records per configured slice: the total N is the largest with N·share ≤ available for every
     * configured slice and N·(1 − Σ shares) ≤ the unconfigured samples (when the shares leave room).
     */
    private Map<String, Long> quotas(Map<String, List<TrainingRecord>> groups) {
        if (mix.isEmpty()) {
            return Map.of();
        }
        double total = Double.MAX_VALUE;
        double configuredShare = 0;
        long rest = 0;
        for (Map.Entry<String, List<TrainingRecord>> g : groups.entrySet()) {
            Double share = mix.get(g.getKey());
            if (share != null) {
                total = Math.min(total, g.getValue().size() / share);
                configuredShare += share;
            } else {
                rest += g.getValue().size();
            }
        }
        double restShare = 1 - configuredShare;
        if (restShare > 1e-9 && rest > 0) {
            total = Math.min(total, rest / restShare);
        }
        if (total == Double.MAX_VALUE) {
            return Map.of();
        }
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, List<TrainingRecord>> g : groups.entrySet()) {
            Double share = mix.get(g.getKey());
            double want = share != null ? total * share
                    : restShare > 1e-9 && rest > 0 ? total * restShare * g.getValue().size() / rest : 0;
            out.put(g.getKey(), Math.min(g.getValue().size(), Math.round(Math.floor(want + 1e-9))));
        }
        return out;
    }

    /**
     * A salted content hash: the unsalted one decides the train/validation split ({@link DatasetSplit}), and
     * keeping the smallest of those would keep mostly validation records.
     */
    private static String hash(TrainingRecord r) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("sam-mix\u0000" + r.normalizedContent())
                    .getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
