package dev.sam.core.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code training_data/manifest.json}: what has been collected, per source, with rejects by reason,
 * so that nothing is ever dropped silently. Written atomically by sam-collect.
 *
 * @param cursors per source and key (e.g. repo path) the position up to which collection is done
 */
public record Manifest(
        Map<String, SourceStats> sources,
        long totalSamples,
        long distilledSamples,
        long preferencePairs,
        Map<String, Map<String, String>> cursors,
        String updatedAt) {

    public Manifest {
        sources = sources == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
        cursors = cursors == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(cursors));
    }

    public static Manifest empty() {
        return new Manifest(Map.of(), 0, 0, 0, Map.of(), null);
    }

    public long samples(String source) {
        SourceStats s = sources.get(source);
        return s == null ? 0 : s.samples();
    }
}
