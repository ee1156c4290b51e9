package dev.sam.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one owner of {@code ab_rollouts}: the plan and progress of a progressive canary ({@code sam canary
 * --steps}). At most one is {@code running}; a finished one keeps its outcome and reason. Updates are
 * conditional on the row still being running, so two processes acting on one rollout cannot both
 * advance it.
 *
 * <pre>Optional&lt;RolloutRepository.Rollout&gt; r = new RolloutRepository(db).running();</pre>
 */
public final class RolloutRepository {
    public static final String RUNNING = "running";
    public static final String PROMOTED = "promoted";
    public static final String ABORTED = "aborted";
    public static final String ENDED = "ended";

    private final Database db;

    public RolloutRepository(Database db) {
        this.db = db;
        db.migrate(AbSchema.MIGRATIONS);
    }

    /**
     * A rollout. {@code steps}: canary shares in percent, the last is 100 (= promotion); {@code stepIndex}:
     * the share serving now; {@code finalAnalyses}: promotion tests made at the last share before 100.
     */
    public record Rollout(long id, String version, String baseline, List<Integer> steps, int stepIndex,
                          long intervalMs, int minSamples, double alpha, double margin, int maxAnalyses,
                          long startedMs, long stepStartedMs, long lastAnalysisMs, int finalAnalyses, String state,
                          String reason) {
        public Rollout {
            steps = List.copyOf(steps);
        }

        public int share() {
            return steps.get(stepIndex);
        }

        public boolean running() {
            return RUNNING.equals(state);
        }

        public Rollout at(int index, long nowMs) {
            return new Rollout(id, version, baseline, steps, index, intervalMs, minSamples, alpha, margin, maxAnalyses,
                    startedMs, nowMs, nowMs, finalAnalyses, state, reason);
        }

        public Rollout analysed(long nowMs, int finals) {
            return new Rollout(id, version, baseline, steps, stepIndex, intervalMs, minSamples, alpha, margin,
                    maxAnalyses, startedMs, stepStartedMs, nowMs, finals, state, reason);
        }

        public Rollout ended(String outcome, String why) {
            return new Rollout(id, version, baseline, steps, stepIndex, intervalMs, minSamples, alpha, margin,
                    maxAnalyses, startedMs, stepStartedMs, lastAnalysisMs, finalAnalyses, outcome, why);
        }
    }

    /** Stores a new running rollout (ending any other running one); returns it with its id. */
    public Rollout start(Rollout r) {
        long id = db.inTransaction(c -> {
            try (PreparedStatement end = c.prepareStatement("UPDATE ab_rollouts SET state = ?, reason = ? WHERE state = ?")) {
                end.setString(1, ENDED);
                end.setString(2, "replaced by the rollout of " + r.version());
                end.setString(3, RUNNING);
                end.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ab_rollouts(version, baseline, steps, step_index,"
                    + " interval_ms, min_samples, alpha, margin, max_analyses, started_ms, step_started_ms,"
                    + " last_analysis_ms, final_analyses, state, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, r.version());
                ps.setString(2, r.baseline());
                ps.setString(3, r.steps().stream().map(String::valueOf).collect(Collectors.joining(",")));
                ps.setInt(4, r.stepIndex());
                ps.setLong(5, r.intervalMs());
                ps.setInt(6, r.minSamples());
                ps.setDouble(7, r.alpha());
                ps.setDouble(8, r.margin());
                ps.setInt(9, r.maxAnalyses());
                ps.setLong(10, r.startedMs());
                ps.setLong(11, r.stepStartedMs());
                ps.setLong(12, r.lastAnalysisMs());
                ps.setInt(13, r.finalAnalyses());
                ps.setString(14, r.state());
                ps.setString(15, r.reason());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return new Rollout(id, r.version(), r.baseline(), r.steps(), r.stepIndex(), r.intervalMs(), r.minSamples(),
                r.alpha(), r.margin(), r.maxAnalyses(), r.startedMs(), r.stepStartedMs(), r.lastAnalysisMs(),
                r.finalAnalyses(), r.state(), r.reason());
    }

    /**
     * Writes {@code next}'s progress if the stored row is still running at {@code expectedStep}; false when
     * another process moved it first.
     */
    public boolean update(Rollout next, int expectedStep) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ab_rollouts SET step_index = ?, step_started_ms = ?,"
                    + " last_analysis_ms = ?, final_analyses = ?, state = ?, reason = ? WHERE id = ? AND state = ?"
                    + " AND step_index = ?")) {
                ps.setInt(1, next.stepIndex());
                ps.setLong(2, next.stepStartedMs());
                ps.setLong(3, next.lastAnalysisMs());
                ps.setInt(4, next.finalAnalyses());
                ps.setString(5, next.state());
                ps.setString(6, next.reason());
                ps.setLong(7, next.id());
                ps.setString(8, RUNNING);
                ps.setInt(9, expectedStep);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The running rollout, if any. */
    public Optional<Rollout> running() {
        List<Rollout> l = query("SELECT * FROM ab_rollouts WHERE state = '" + RUNNING + "' ORDER BY id DESC LIMIT 1");
        return l.stream().findFirst();
    }

    /** The most recent rollout, whatever its state. */
    public Optional<Rollout> latest() {
        return query("SELECT * FROM ab_rollouts ORDER BY id DESC LIMIT 1").stream().findFirst();
    }

    private List<Rollout> query(String sql) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                List<Rollout> out = new ArrayList<>();
                while (rs.next()) {
                    List<Integer> steps = Arrays.stream(rs.getString("steps").split(",")).map(Integer::valueOf).toList();
                    out.add(new Rollout(rs.getLong("id"), rs.getString("version"), rs.getString("baseline"), steps,
                            rs.getInt("step_index"), rs.getLong("interval_ms"), rs.getInt("min_samples"),
                            rs.getDouble("alpha"), rs.getDouble("margin"), rs.getInt("max_analyses"),
                            rs.getLong("started_ms"), rs.getLong("step_started_ms"), rs.getLong("last_analysis_ms"),
                            rs.getInt("final_analyses"), rs.getString("state"), rs.getString("reason")));
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read canary rollouts", e);
            }
        }
    }
}
