package dev.sam.collect.store;

import dev.sam.collect.Source;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.model.SourceStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the next manifest. Sample counts are always derived from the per-file record counts, so the
 * totals can never disagree with the files they describe.
 */
final class Manifests {
    private Manifests() {
    }

    /** m with new file lengths, added rejects and cursors, sources that ran stamped with now. */
    static Manifest next(Manifest m, Map<String, DataFile> files, Map<String, Map<String, Long>> rejects,
                         Map<String, Map<String, String>> cursors, Iterable<String> ran, String now) {
        Map<String, Map<String, Long>> allRejects = new TreeMap<>();
        Map<String, String> stamps = new TreeMap<>();
        m.sources().forEach((k, v) -> {
            allRejects.put(k, new TreeMap<>(v.rejects()));
            if (v.updatedAt() != null) {
                stamps.put(k, v.updatedAt());
            }
        });
        rejects.forEach((src, r) -> r.forEach((reason, n) ->
                allRejects.computeIfAbsent(src, k -> new TreeMap<>()).merge(reason, n, Long::sum)));
        ran.forEach(src -> stamps.put(src, now));
        Map<String, Map<String, String>> allCursors = new TreeMap<>();
        m.cursors().forEach((k, v) -> allCursors.put(k, new TreeMap<>(v)));
        cursors.forEach((src, c) -> allCursors.computeIfAbsent(src, k -> new TreeMap<>()).putAll(c));
        return build(files, allRejects, stamps, allCursors, now, m.migrations());
    }

    /** A manifest whose counts are recomputed from {@code files}, keeping m's rejects and cursors. */
    static Manifest recount(Manifest m, Map<String, DataFile> files, String now) {
        return next(m, files, Map.of(), Map.of(), java.util.List.of(), now == null ? m.updatedAt() : now);
    }

    private static Manifest build(Map<String, DataFile> files, Map<String, Map<String, Long>> rejects,
                                  Map<String, String> stamps, Map<String, Map<String, String>> cursors, String now,
                                  Map<String, String> migrations) {
        Map<String, Long> samples = new LinkedHashMap<>();
        long pairs = 0;
        for (Map.Entry<String, DataFile> e : files.entrySet()) {
            if (Records.isPairFile(e.getKey())) {
                pairs += e.getValue().records();
            } else {
                samples.merge(dirOf(e.getKey()), e.getValue().records(), Long::sum);
            }
        }
        Map<String, SourceStats> sources = new TreeMap<>();
        for (Source s : Source.values()) {
            if (samples.containsKey(s.dir()) || rejects.containsKey(s.dir()) || stamps.containsKey(s.dir())) {
                sources.put(s.dir(), stats(s.dir(), samples, rejects, stamps));
            }
        }
        samples.keySet().forEach(dir -> sources.computeIfAbsent(dir, d -> stats(d, samples, rejects, stamps)));
        long total = samples.values().stream().mapToLong(Long::longValue).sum();
        return new Manifest(sources, total, samples.getOrDefault(Source.DISTILL.dir(), 0L), pairs, cursors, now,
                files, migrations);
    }

    private static SourceStats stats(String dir, Map<String, Long> samples, Map<String, Map<String, Long>> rejects,
                                     Map<String, String> stamps) {
        return new SourceStats(samples.getOrDefault(dir, 0L), rejects.getOrDefault(dir, Map.of()), stamps.get(dir));
    }

    static String dirOf(String rel) {
        int slash = rel.indexOf('/');
        return slash < 0 ? rel : rel.substring(0, slash);
    }
}
