package dev.sam.collect.store;

import dev.sam.collect.Source;
import dev.sam.collect.quality.DedupIndex;
import dev.sam.collect.quality.MinHash;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.Faults;
import dev.sam.core.io.JsonlFiles;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training-data store: JSONL files under {@code training_data/}, manifest.json, and the dedup index
 * in sam.db. A batch commits in three steps — append the lines (after writing a journal of the old file
 * lengths), write the manifest with the new lengths (the commit point), update the index — so a crash at
 * any point leaves whole lines and a manifest that describes committed data; {@link #open} rolls back an
 * uncommitted tail and brings the index up to date. Callers hold the collect lock.
 *
 * <pre>DataStore store = DataStore.open(home, db, 0.85, false); store.commit(batch);</pre>
 */
public final class DataStore {
    private final SamHome home;
    private final Database db;
    private final ManifestFile manifestFile;
    private final Journal journal;
    private final boolean dryRun;
    private final DedupIndex index;
    private final List<String> warnings;
    private Manifest manifest;

    private DataStore(SamHome home, Database db, boolean dryRun, Manifest manifest, DedupIndex index,
                      List<String> warnings) {
        this.home = home;
        this.db = db;
        this.manifestFile = new ManifestFile(home.manifest());
        this.journal = new Journal(home.collectJournal());
        this.dryRun = dryRun;
        this.manifest = manifest;
        this.index = index;
        this.warnings = new java.util.ArrayList<>(warnings);
    }

    /** Recovers from an interrupted run, adopts JSONL files written by others, loads the dedup index. */
    public static DataStore open(SamHome home, Database db, double nearDuplicateThreshold, boolean dryRun) {
        return open(home, db, nearDuplicateThreshold, dryRun, List.of());
    }

    /**
     * As {@link #open(SamHome, Database, double, boolean)}, then runs the data migrations the manifest does
     * not record yet (not in a dry run) before the dedup index is loaded, so it holds the rewritten samples.
     */
    public static DataStore open(SamHome home, Database db, double nearDuplicateThreshold, boolean dryRun,
                                 List<DataMigration.Step> migrations) {
        db.migrate(CollectSchema.MIGRATIONS);
        StoreRecovery recovery = new StoreRecovery(home, db);
        DataMigration migration = new DataMigration(home, db);
        Manifest m;
        try {
            migration.rollForward();
            m = recovery.recover();
            if (!dryRun) {
                for (DataMigration.Step step : migrations) {
                    Manifest before = m;
                    m = migration.run(m, step);
                    if (m != before) {
                        new IndexCatchUp(home, db).run(m);
                    }
                }
            }
        } catch (IOException e) {
            throw SamException.failure("cannot read the training data under " + home.trainingData() + ": " + e,
                    "check permissions and free space of SAM_HOME");
        }
        DedupIndex index = new DedupIndex(nearDuplicateThreshold);
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT hash, minhash, prompt FROM collect_samples");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    index.add(rs.getString(1), rs.getString(3), MinHash.fromBytes(rs.getBytes(2)));
                }
            } catch (SQLException e) {
                throw db.error("load the dedup index", e);
            }
        }
        return new DataStore(home, db, dryRun, m, index, recovery.warnings());
    }

    public Manifest manifest() {
        return manifest;
    }

    public DedupIndex index() {
        return index;
    }

    /** What recovery found and repaired (torn tails, adopted files, rebuilt manifest). */
    public List<String> warnings() {
        return warnings;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** The committed cursor of a source, or null. */
    public String cursor(Source s, String key) {
        return manifest.cursors().getOrDefault(s.dir(), Map.of()).get(key);
    }

    /** Commits a batch (nothing happens in a dry run). */
    public void commit(Batch b) {
        if (dryRun || b.isEmpty()) {
            return;
        }
        String now = Times.now();
        Map<String, DataFile> files = new LinkedHashMap<>(manifest.files());
        Map<String, Journal.Span> spans = new LinkedHashMap<>();
        Map<String, List<String>> payload = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<Batch.Line>> e : b.lines.entrySet()) {
                List<String> lines = e.getValue().stream().map(Batch.Line::json).toList();
                long bytes = 0;
                for (String l : lines) {
                    bytes += utf8Length(l) + 1;
                }
                DataFile old = files.getOrDefault(e.getKey(), new DataFile(0, 0));
                spans.put(e.getKey(), new Journal.Span(old.bytes(), old.bytes() + bytes));
                payload.put(e.getKey(), lines);
                files.put(e.getKey(), new DataFile(old.bytes() + bytes, old.records() + lines.size()));
            }
            Manifest next = Manifests.next(manifest, files, b.rejects, b.cursors, b.ran, now);
            if (!spans.isEmpty()) {
                appendAndCommit(spans, payload, next);
            } else {
                manifestFile.write(next);
            }
            manifest = next;
        } catch (IOException e) {
            throw SamException.failure("cannot write the training data under " + home.trainingData() + ": " + e,
                    "check free space and permissions of SAM_HOME; everything committed before is intact");
        }
        new IndexWriter(db).commit(b, files, now);
        Faults.point("collect.after-index");
    }

    private void appendAndCommit(Map<String, Journal.Span> spans, Map<String, List<String>> payload, Manifest next)
            throws IOException {
        boolean committed = false;
        Map<String, Journal.Span> appended = new LinkedHashMap<>();
        try {
            journal.write(spans);
            Faults.point("collect.after-journal");
            for (Map.Entry<String, List<String>> e : payload.entrySet()) {
                Path f = home.trainingData().resolve(e.getKey());
                long size = Files.exists(f) ? Files.size(f) : 0;
                if (size != spans.get(e.getKey()).before()) {
                    throw new IOException(f + " changed while collecting (" + size + " bytes, expected "
                            + spans.get(e.getKey()).before() + ")");
                }
                appended.put(e.getKey(), spans.get(e.getKey()));
                JsonlFiles.append(f, e.getValue());
                Faults.point("collect.after-append");
            }
            manifestFile.write(next);
            committed = true;
            Faults.point("collect.after-manifest");
        } finally {
            if (!committed) {
                rollBack(appended);
            } else {
                journal.delete();
            }
        }
    }

    /** Cuts the files appended to back to their length before the batch: nothing uncommitted stays behind. */
    private void rollBack(Map<String, Journal.Span> spans) {
        try {
            StoreRecovery.truncate(home.trainingData(), spans);
            journal.delete();
        } catch (IOException | RuntimeException e) {
            warnings.add("could not roll back the interrupted batch (" + e + "); the next run will");
        }
    }

    /** Exactly what JsonlFiles writes (String.getBytes replaces a lone surrogate by one '?'). */
    private static long utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
