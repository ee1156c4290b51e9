package dev.sam.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Incremental-collection cursors: per source and key (e.g. a repo path) the last position done. */
public final class CursorRepository {
    private final Database db;

    public CursorRepository(Database db) {
        this.db = db;
    }

    public Optional<String> get(String source, String key) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT value FROM collect_cursors WHERE source = ? AND key = ?")) {
                ps.setString(1, source);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw db.error("read collect cursors", e);
            }
        }
    }

    public void put(String source, String key, String value) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO collect_cursors(source, key, value, updated_at) VALUES (?,?,?,?)
                    ON CONFLICT(source, key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at""")) {
                ps.setString(1, source);
                ps.setString(2, key);
                ps.setString(3, value);
                ps.setString(4, java.time.LocalDateTime.now().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** source → (key → value). */
    public Map<String, Map<String, String>> all() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT source, key, value FROM collect_cursors ORDER BY source, key");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, Map<String, String>> out = new LinkedHashMap<>();
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read collect cursors", e);
            }
        }
    }
}
