package dev.sam.core.store;

import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Training runs in SQLite. {@code runs/<id>/run.json} mirrors each row for humans and other tools. */
public final class RunRepository {
    private final Database db;

    public RunRepository(Database db) {
        this.db = db;
    }

    public void save(TrainingRun r) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO runs(run_id, start_time, end_time, samples_count, base_model, profile, status, metrics,
                                     output_path, error)
                    VALUES (?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT(run_id) DO UPDATE SET start_time=excluded.start_time, end_time=excluded.end_time,
                      samples_count=excluded.samples_count, base_model=excluded.base_model, profile=excluded.profile,
                      status=excluded.status, metrics=excluded.metrics, output_path=excluded.output_path,
                      error=excluded.error""")) {
                ps.setString(1, r.runId());
                ps.setString(2, r.startTime());
                ps.setString(3, r.endTime());
                ps.setInt(4, r.samplesCount());
                ps.setString(5, r.baseModel());
                ps.setString(6, r.profile());
                ps.setString(7, r.status().json());
                ps.setString(8, JsonColumns.write(r.metrics()));
                ps.setString(9, r.outputPath());
                ps.setString(10, r.error());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<TrainingRun> find(String runId) {
        List<TrainingRun> l = query("SELECT * FROM runs WHERE run_id = ?", runId);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The most recent run by id (ids sort by time). */
    public Optional<TrainingRun> latest() {
        List<TrainingRun> l = query("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1");
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** All runs, newest first. */
    public List<TrainingRun> list() {
        return query("SELECT * FROM runs ORDER BY run_id DESC");
    }

    private List<TrainingRun> query(String sql, String... args) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                List<TrainingRun> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TrainingRun(rs.getString("run_id"), rs.getString("start_time"),
                                rs.getString("end_time"), rs.getInt("samples_count"), rs.getString("base_model"),
                                rs.getString("profile"), RunStatus.parse(rs.getString("status")),
                                JsonColumns.read(rs.getString("metrics")), rs.getString("output_path"),
                                rs.getString("error")));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read training runs", e);
            }
        }
    }
}
