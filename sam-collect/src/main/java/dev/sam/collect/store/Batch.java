package dev.sam.collect.store;

import dev.sam.core.store.Database;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one commit of a collection adds: lines per file, rejects and cursors per source, and the
 * module's own index rows (code index, doc files) that must only be written once the lines are.
 */
public final class Batch {
    /** One accepted record: its JSON line, its exact and prompt hashes, its MinHash signature (may be null). */
    public record Line(String json, String hash, String prompt, int[] sig) {
    }

    final Map<String, List<Line>> lines = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> rejects = new LinkedHashMap<>();
    final Map<String, Map<String, String>> cursors = new LinkedHashMap<>();
    final Set<String> ran = new LinkedHashSet<>();
    final List<Database.SqlWork<?>> work = new ArrayList<>();

    /** Appends a line to {@code file} (relative to training_data). */
    public void add(String file, Line line) {
        lines.computeIfAbsent(file, f -> new ArrayList<>()).add(line);
    }

    public void reject(String sourceDir, String reason) {
        rejects.computeIfAbsent(sourceDir, s -> new LinkedHashMap<>()).merge(reason, 1L, Long::sum);
        ran.add(sourceDir);
    }

    public void cursor(String sourceDir, String key, String value) {
        cursors.computeIfAbsent(sourceDir, s -> new LinkedHashMap<>()).put(key, value);
        ran.add(sourceDir);
    }

    /** Marks a source as having run (its updated_at moves even when it found nothing new). */
    public void ran(String sourceDir) {
        ran.add(sourceDir);
    }

    /** SQL to run in the index transaction of this commit. */
    public void work(Database.SqlWork<?> w) {
        work.add(w);
    }

    public int lineCount() {
        return lines.values().stream().mapToInt(List::size).sum();
    }

    public boolean isEmpty() {
        return lines.isEmpty() && rejects.isEmpty() && cursors.isEmpty() && ran.isEmpty() && work.isEmpty();
    }
}
