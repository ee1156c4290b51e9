package dev.sam.collect.store;

import dev.sam.collect.quality.MinHash;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The sam.db side of a commit: dedup rows of the new lines, how far each file is indexed, a copy of
 * the cursors (in collect_cursors, for other tools) and the batch's own index rows — one transaction.
 */
final class IndexWriter {
    private final Database db;

    IndexWriter(Database db) {
        this.db = db;
    }

    void commit(Batch b, Map<String, DataFile> files, String now) {
        db.inTransaction(c -> {
            for (Map.Entry<String, List<Batch.Line>> e : b.lines.entrySet()) {
                insertSamples(c, e.getKey(), e.getValue(), now);
                setIndexed(c, e.getKey(), files.get(e.getKey()).bytes(), now);
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO collect_cursors(source, key, value, updated_at) VALUES (?,?,?,?)
                    ON CONFLICT(source, key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at""")) {
                for (Map.Entry<String, Map<String, String>> e : b.cursors.entrySet()) {
                    for (Map.Entry<String, String> kv : e.getValue().entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setString(2, kv.getKey());
                        ps.setString(3, kv.getValue());
                        ps.setString(4, now);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            for (Database.SqlWork<?> w : b.work) {
                w.run(c);
            }
            return null;
        });
    }

    static void insertSamples(Connection c, String file, List<Batch.Line> lines, String now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR IGNORE INTO collect_samples(hash, file, source, minhash, added_at, prompt) VALUES (?,?,?,?,?,?)")) {
            for (Batch.Line l : lines) {
                ps.setString(1, l.hash());
                ps.setString(2, file);
                ps.setString(3, Manifests.dirOf(file));
                ps.setBytes(4, l.sig() == null ? null : MinHash.toBytes(l.sig()));
                ps.setString(5, now);
                ps.setString(6, l.prompt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void setIndexed(Connection c, String file, long bytes, String now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO collect_files(file, indexed_bytes, updated_at) VALUES (?,?,?)
                ON CONFLICT(file) DO UPDATE SET indexed_bytes=excluded.indexed_bytes, updated_at=excluded.updated_at""")) {
            ps.setString(1, file);
            ps.setLong(2, bytes);
            ps.setString(3, now);
            ps.executeUpdate();
        }
    }
}
