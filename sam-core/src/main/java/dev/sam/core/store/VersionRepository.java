package dev.sam.core.store;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Model versions in SQLite — a queryable copy of {@code versions.json}, which stays the source that
 * the original Python tools read. sam-deploy writes both in one step.
 */
public final class VersionRepository {
    private final Database db;

    public VersionRepository(Database db) {
        this.db = db;
    }

    public void save(ModelVersion v) {
        db.inTransaction(c -> {
            upsert(c, v);
            return null;
        });
    }

    /** Replaces the whole table with {@code versions} (used to mirror versions.json). */
    public void replaceAll(List<ModelVersion> versions) {
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM versions")) {
                del.executeUpdate();
            }
            for (ModelVersion v : versions) {
                upsert(c, v);
            }
            return null;
        });
    }

    private static void upsert(java.sql.Connection c, ModelVersion v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO versions(version, created_at, deployed_at, status, base_model, adapter_path,
                                     training_run_id, training_samples, metrics, checksum, description)
                VALUES (?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(version) DO UPDATE SET created_at=excluded.created_at, deployed_at=excluded.deployed_at,
                  status=excluded.status, base_model=excluded.base_model, adapter_path=excluded.adapter_path,
                  training_run_id=excluded.training_run_id, training_samples=excluded.training_samples,
                  metrics=excluded.metrics, checksum=excluded.checksum, description=excluded.description""")) {
            ps.setString(1, v.version());
            ps.setString(2, v.createdAt());
            ps.setString(3, v.deployedAt());
            ps.setString(4, v.status().json());
            ps.setString(5, v.baseModel());
            ps.setString(6, v.adapterPath());
            ps.setString(7, v.trainingRunId());
            ps.setInt(8, v.trainingSamples());
            ps.setString(9, JsonColumns.write(v.fileMetrics()));
            ps.setString(10, v.checksum());
            ps.setString(11, v.description());
            ps.executeUpdate();
        }
    }

    public Optional<ModelVersion> find(String version) {
        List<ModelVersion> l = query("SELECT * FROM versions WHERE version = ?", version);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** All versions in creation order. */
    public List<ModelVersion> list() {
        return query("SELECT * FROM versions ORDER BY created_at, version");
    }

    private List<ModelVersion> query(String sql, String... args) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                List<ModelVersion> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ModelVersion(rs.getString("version"), rs.getString("created_at"),
                                rs.getString("deployed_at"), VersionStatus.parse(rs.getString("status")),
                                rs.getString("base_model"), rs.getString("adapter_path"),
                                rs.getString("training_run_id"), rs.getInt("training_samples"),
                                JsonColumns.read(rs.getString("metrics")), rs.getString("checksum"),
                                rs.getString("description")));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read model versions", e);
            }
        }
    }
}
