package dev.sam.collect.store;

import dev.sam.collect.quality.MinHash;
import dev.sam.collect.quality.SampleText;
import dev.sam.core.Times;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.Manifest.DataFile;
import dev.sam.core.store.Database;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the dedup index in sam.db describe exactly the committed bytes of every file: indexes lines
 * it has not seen (after a crash between manifest and index, or with a fresh sam.db), and re-indexes
 * files that shrank or vanished. The JSONL files are the truth; the index can always be rebuilt.
 */
final class IndexCatchUp {
    private static final int CHUNK = 2000;

    private final SamHome home;
    private final Database db;

    IndexCatchUp(SamHome home, Database db) {
        this.home = home;
        this.db = db;
    }

    void run(Manifest m) throws IOException {
        Map<String, Long> indexed = indexed();
        for (String rel : indexed.keySet()) {
            if (!m.files().containsKey(rel)) {
                forget(rel);
            }
        }
        for (Map.Entry<String, DataFile> e : m.files().entrySet()) {
            String rel = e.getKey();
            long from = indexed.getOrDefault(rel, 0L);
            if (from > e.getValue().bytes()) {
                forget(rel);
                from = 0;
            }
            if (from < e.getValue().bytes()) {
                index(rel, from, e.getValue().bytes());
            }
        }
    }

    private void index(String rel, long from, long to) throws IOException {
        List<Batch.Line> chunk = new ArrayList<>();
        long[] chunkEnd = {from};
        JsonlReader.read(home.trainingData().resolve(rel), from, to, (no, text, end) -> {
            SampleText t = text == null ? null : Records.text(rel, text);
            if (t != null) {
                chunk.add(new Batch.Line(null, t.exactHash(), t.promptHash(), MinHash.signature(t.shingles())));
            }
            chunkEnd[0] = end;
            if (chunk.size() >= CHUNK) {
                flush(rel, chunk, chunkEnd[0]);
            }
        });
        flush(rel, chunk, to);
    }

    private void flush(String rel, List<Batch.Line> lines, long end) {
        String now = Times.now();
        db.inTransaction(c -> {
            IndexWriter.insertSamples(c, rel, lines, now);
            IndexWriter.setIndexed(c, rel, end, now);
            return null;
        });
        lines.clear();
    }

    private void forget(String rel) {
        db.inTransaction(c -> {
            for (String sql : List.of("DELETE FROM collect_samples WHERE file = ?", "DELETE FROM collect_files WHERE file = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, rel);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private Map<String, Long> indexed() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT file, indexed_bytes FROM collect_files");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, Long> out = new HashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read the dedup index state", e);
            }
        }
    }
}
