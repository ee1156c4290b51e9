package dev.sam.collect.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import dev.sam.core.json.Json;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A one-time rewrite of stored lines (e.g. commit targets cleaned by newer rules), run once per home and
 * recorded in the manifest's {@code migrations}. Crash-safe like a batch: the rewritten files are staged
 * under {@code .migration/}, then a journal names them (the decision point); from there the index rows
 * of those files are dropped, each staged file is renamed over its original, and the manifest — new
 * lengths, the rejects of dropped lines, the migration's name — is written. A kill before the journal
 * leaves the old data (the staging is removed and the migration runs again); a kill after it is rolled
 * forward by {@link #rollForward} on the next open. The index is then rebuilt from the files.
 *
 * <pre>DataStore.open(home, db, 0.85, false, List.of(new DataMigration.Step("clean-commit-targets-1", "commits", rewriter)));</pre>
 */
public final class DataMigration {
    /** What becomes of one line: its new text (the same object when unchanged), or null and a reject reason. */
    public record Outcome(String line, String reject) {
    }

    /** Rewrites one JSONL line of a file; called once per committed line, in order. */
    @FunctionalInterface
    public interface Rewriter {
        Outcome rewrite(String line);
    }

    /** A migration to run at open: its name, the source directory whose files it rewrites, the rewriter. */
    public record Step(String name, String sourceDir, Rewriter rewriter) {
    }

    /** The journal: the migration, its staged files with their committed lengths, the rejects per source. */
    record Plan(String name, Map<String, DataFile> files, Map<String, Map<String, Long>> rejects) {
    }

    private final SamHome home;
    private final Database db;
    private final ManifestFile manifestFile;

    DataMigration(SamHome home, Database db) {
        this.home = home;
        this.db = db;
        this.manifestFile = new ManifestFile(home.manifest());
    }

    /** Runs a step over its source's files unless the manifest records it; returns the manifest after it. */
    Manifest run(Manifest m, Step step) throws IOException {
        String name = step.name();
        if (m.migrations().containsKey(name)) {
            return m;
        }
        List<String> files = m.files().keySet().stream().filter(f -> Manifests.dirOf(f).equals(step.sourceDir()))
                .toList();
        Rewriter rewriter = step.rewriter();
        Path staging = home.dataMigrationStaging();
        deleteTree(staging);
        Map<String, DataFile> staged = new TreeMap<>();
        Map<String, Map<String, Long>> rejects = new TreeMap<>();
        for (String rel : files) {
            DataFile known = m.files().get(rel);
            if (known == null) {
                continue;
            }
            Path out = staging.resolve(rel);
            Files.createDirectories(out.getParent());
            Map<String, Long> dropped = new TreeMap<>();
            Rewritten r = rewrite(rel, known.bytes(), out, rewriter, dropped);
            if (r.changed()) {
                staged.put(rel, r.file());
                dropped.forEach((reason, n) -> rejects.computeIfAbsent(Manifests.dirOf(rel), k -> new TreeMap<>())
                        .merge(reason, n, Long::sum));
            } else {
                Files.delete(out);
            }
        }
        Faults.point("collect.migration-staged");
        if (staged.isEmpty()) {
            deleteTree(staging);
            Manifest next = m.withMigration(name, Times.now());
            manifestFile.write(next);
            return next;
        }
        AtomicFiles.writeJson(home.dataMigrationJournal(), new Plan(name, staged, rejects));
        Faults.point("collect.migration-after-journal");
        return finish(new Plan(name, staged, rejects));
    }

    /** Completes a migration whose journal was written before a kill; no-op without one. */
    void rollForward() throws IOException {
        Path journal = home.dataMigrationJournal();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(journal);
        } catch (NoSuchFileException e) {
            deleteTree(home.dataMigrationStaging());
            return;
        }
        Plan plan;
        try {
            plan = Json.mapper().readValue(bytes, new TypeReference<Plan>() { });
        } catch (IOException e) {
            throw SamException.failure("the data migration journal " + journal + " is unreadable: " + e.getMessage(),
                    "restore training_data/ from a backup, or delete the journal and training_data/.migration/"
                            + " to keep the data as it was before the migration");
        }
        finish(plan);
    }

    private Manifest finish(Plan plan) throws IOException {
        db.inTransaction(c -> {
            for (String rel : plan.files().keySet()) {
                for (String sql : List.of("DELETE FROM collect_samples WHERE file = ?",
                        "DELETE FROM collect_files WHERE file = ?")) {
                    try (var ps = c.prepareStatement(sql)) {
                        ps.setString(1, rel);
                        ps.executeUpdate();
                    }
                }
            }
            return null;
        });
        for (String rel : plan.files().keySet()) {
            Path staged = home.dataMigrationStaging().resolve(rel);
            if (Files.exists(staged)) {
                AtomicFiles.moveAtomically(staged, home.trainingData().resolve(rel));
                Faults.point("collect.migration-after-rename");
            }
        }
        Manifest m = manifestFile.read();
        if (!m.migrations().containsKey(plan.name())) {
            Map<String, DataFile> files = new LinkedHashMap<>(m.files());
            files.putAll(plan.files());
            m = Manifests.next(m, files, plan.rejects(), Map.of(), List.of(), Times.now())
                    .withMigration(plan.name(), Times.now());
            manifestFile.write(m);
        }
        Faults.point("collect.migration-after-manifest");
        Files.deleteIfExists(home.dataMigrationJournal());
        deleteTree(home.dataMigrationStaging());
        return m;
    }

    private record Rewritten(DataFile file, boolean changed) {
    }

    /** Streams the committed lines of file {@code rel} through the rewriter into {@code out} (fsynced). */
    private Rewritten rewrite(String rel, long committed, Path out, Rewriter rewriter, Map<String, Long> dropped)
            throws IOException {
        long bytes = 0;
        long records = 0;
        boolean changed = false;
        Path in = home.trainingData().resolve(rel);
        try (InputStream is = new BufferedInputStream(Files.newInputStream(in), 1 << 16);
             OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            long read = 0;
            int b;
            while (read < committed && (b = is.read()) >= 0) {
                read++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                byte[] raw = line.toByteArray();
                line.reset();
                String text = JsonlReader.decode(raw);
                Outcome o = text == null || text.isBlank() ? new Outcome(text, null) : rewriter.rewrite(text);
                if (o.line() == null) {
                    dropped.merge(o.reject(), 1L, Long::sum);
                    changed = true;
                    continue;
                }
                byte[] w = o.line() == text ? raw : o.line().getBytes(StandardCharsets.UTF_8);
                changed |= o.line() != text;
                os.write(w);
                os.write('\n');
                bytes += w.length + 1;
                if (Records.text(rel, o.line()) != null) {
                    records++;
                }
            }
        }
        AtomicFiles.fsyncFile(out);
        return new Rewritten(new DataFile(bytes, records), changed);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
