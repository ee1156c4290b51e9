package dev.sam.core.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code training_data/manifest.json}: what has been collected, per source, with rejects by reason,
 * so that nothing is ever dropped silently. Written atomically by sam-collect.
 *
 * @param cursors per source and key (e.g. repo path) the position up to which collection is done
 * @param files   per JSONL file (path relative to training_data) its committed length: a collection
 *                commits a batch by writing the manifest after appending to the files, so bytes past
 *                this length are the remains of an interrupted batch (sam-collect cuts them on its next run),
 *                and how many records (valid samples, or preference pairs) those bytes hold
 * @param migrations one-time rewrites of the stored data already applied (name → when), e.g. the
 *                   re-cleaning of commit targets: each runs once per home
 */
public record Manifest(
        Map<String, SourceStats> sources,
        long totalSamples,
        long distilledSamples,
        long preferencePairs,
        Map<String, Map<String, String>> cursors,
        String updatedAt,
        Map<String, DataFile> files,
        Map<String, String> migrations) {

    public Manifest {
        sources = sources == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
        cursors = cursors == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(cursors));
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
        migrations = migrations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(migrations));
    }

    /** The manifest without migrations (as written before any was recorded). */
    public Manifest(Map<String, SourceStats> sources, long totalSamples, long distilledSamples, long preferencePairs,
                    Map<String, Map<String, String>> cursors, String updatedAt, Map<String, DataFile> files) {
        this(sources, totalSamples, distilledSamples, preferencePairs, cursors, updatedAt, files, Map.of());
    }

    /** This manifest with one more migration recorded. */
    public Manifest withMigration(String name, String at) {
        Map<String, String> m = new TreeMap<>(migrations);
        m.put(name, at);
        return new Manifest(sources, totalSamples, distilledSamples, preferencePairs, cursors, updatedAt, files, m);
    }

    /** The manifest without file lengths (as written before they were recorded). */
    public Manifest(Map<String, SourceStats> sources, long totalSamples, long distilledSamples, long preferencePairs,
                    Map<String, Map<String, String>> cursors, String updatedAt) {
        this(sources, totalSamples, distilledSamples, preferencePairs, cursors, updatedAt, Map.of(), Map.of());
    }

    public static Manifest empty() {
        return new Manifest(Map.of(), 0, 0, 0, Map.of(), null, Map.of(), Map.of());
    }

    public long samples(String source) {
        SourceStats s = sources.get(source);
        return s == null ? 0 : s.samples();
    }

    /** Committed length of one JSONL file: its bytes and the valid records in them. */
    public record DataFile(long bytes, long records) {
    }
}
