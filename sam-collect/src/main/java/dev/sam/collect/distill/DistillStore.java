package dev.sam.collect.distill;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sam.collect.quality.SampleText;
import dev.sam.collect.store.CollectSchema;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distillation database (the original knowledge_distillation.py kept one too): every captured
 * session, already scrubbed, in {@code distill_captures} of sam.db. Captures are the raw material; the
 * distillation source turns new ones into samples and DPO pairs.
 *
 * <pre>long id = new DistillStore(db).add(List.of(capture), "stdin", now).get(0);</pre>
 */
public final class DistillStore {
    private final Database db;

    public DistillStore(Database db) {
        this.db = db;
        db.migrate(CollectSchema.MIGRATIONS);
    }

    /** A stored capture with its id. */
    public record Stored(long id, DistillCapture capture) {
    }

    /** Counts over all captures. */
    public record Counts(long captures, Map<String, Long> byKind, Map<String, Long> byDomain, double averageQuality,
                         String first, String last, long maxId) {
    }

    /** Stores captures in one transaction; per capture its new id, or -1 when it was captured before. */
    public List<Long> add(List<DistillCapture> captures, String origin, String now) {
        return db.inTransaction(c -> {
            List<Long> ids = new ArrayList<>();
            for (DistillCapture d : captures) {
                ids.add(insert(c, d, origin, now));
            }
            return ids;
        });
    }

    private static long insert(Connection c, DistillCapture d, String origin, String now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT OR IGNORE INTO distill_captures(hash, captured_at, kind, domain, quality, origin, document)
                VALUES (?,?,?,?,?,?,?)""", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, hash(d));
            ps.setString(2, now);
            ps.setString(3, d.kind());
            ps.setString(4, d.domain());
            ps.setDouble(5, DistillSamples.quality(d));
            ps.setString(6, origin);
            ps.setString(7, Json.write(d));
            if (ps.executeUpdate() == 0) {
                return -1;
            }
            try (ResultSet rs = ps.getGeneratedKeys()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Captures with id greater than {@code after}, oldest first, at most {@code limit}. */
    public List<Stored> after(long after, int limit) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT id, document FROM distill_captures WHERE id > ? ORDER BY id LIMIT ?")) {
                ps.setLong(1, after);
                ps.setInt(2, limit);
                List<Stored> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Stored(rs.getLong(1), Json.mapper().readValue(rs.getString(2), DistillCapture.class)));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read distillation captures", e);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored capture is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
    }

    public Counts counts() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT COUNT(*), AVG(quality), MIN(captured_at), MAX(captured_at), COALESCE(MAX(id), 0)"
                            + " FROM distill_captures");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), group("kind"), group("domain"),
                        Math.round(rs.getDouble(2) * 1000) / 1000.0, rs.getString(3), rs.getString(4), rs.getLong(5));
            } catch (SQLException e) {
                throw db.error("count distillation captures", e);
            }
        }
    }

    private Map<String, Long> group(String column) throws SQLException {
        try (PreparedStatement ps = db.connection().prepareStatement("SELECT COALESCE(" + column + ", '(none)'), COUNT(*)"
                + " FROM distill_captures GROUP BY 1 ORDER BY 2 DESC, 1");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Long> out = new LinkedHashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        }
    }

    /** Identity of a capture: its content, not its metadata (session, model). */
    static String hash(DistillCapture d) {
        return SampleText.ofPair(d.prompt(), (d.reasoning() == null ? "" : d.reasoning()) + "\n" + d.answer(),
                d.correction() == null ? "" : d.correction().wrongAnswer()
                        + (d.preference() == null ? "" : "\n" + d.preference().rejected())).exactHash();
    }
}
