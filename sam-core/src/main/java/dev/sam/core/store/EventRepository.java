package dev.sam.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Append-only event log in SQLite. */
public final class EventRepository {
    private final Database db;

    public EventRepository(Database db) {
        this.db = db;
    }

    public void record(String kind, String version, String runId, String message, Map<String, ?> data) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO events(time, kind, version, run_id, message, data) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, java.time.LocalDateTime.now().toString());
                ps.setString(2, kind);
                ps.setString(3, version);
                ps.setString(4, runId);
                ps.setString(5, message);
                ps.setString(6, JsonColumns.write(data));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Newest first; kind null = all kinds. */
    public List<Event> recent(String kind, int limit) {
        String sql = kind == null ? "SELECT * FROM events ORDER BY id DESC LIMIT ?"
                : "SELECT * FROM events WHERE kind = ? ORDER BY id DESC LIMIT ?";
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                int i = 1;
                if (kind != null) {
                    ps.setString(i++, kind);
                }
                ps.setInt(i, limit);
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Event(rs.getLong("id"), rs.getString("time"), rs.getString("kind"),
                                rs.getString("version"), rs.getString("run_id"), rs.getString("message"),
                                JsonColumns.read(rs.getString("data"))));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read events", e);
            }
        }
    }

    public long count(String kind) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT COUNT(*) FROM events WHERE kind = ?")) {
                ps.setString(1, kind);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            } catch (SQLException e) {
                throw db.error("count events", e);
            }
        }
    }
}
