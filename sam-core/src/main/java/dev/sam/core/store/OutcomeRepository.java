package dev.sam.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one owner of what users said about answers: {@code ab_responses} (each generated answer: its id,
 * the version that gave it, the prompt and the answer, so an edit can become a correction sample) and
 * {@code ab_feedback} (every verdict posted, append-only; a response's latest verdict is the one that
 * counts, so one answer is one trial of the A/B test however often it is re-rated).
 *
 * <pre>new OutcomeRepository(db).perVersion(sinceMs).get("v1.0.3").positive();</pre>
 */
public final class OutcomeRepository {
    private final Database db;

    public OutcomeRepository(Database db) {
        this.db = db;
        db.migrate(AbSchema.MIGRATIONS);
    }

    /** A generated answer. {@code prompt}: the request's messages as JSON, or the raw prompt. */
    public record Response(String id, long timeMs, String version, String endpoint, String prompt, String answer) {
    }

    /**
     * One verdict: {@code rating} 1 / -1, {@code accepted}, {@code edited} (the user changed the answer);
     * {@code positive} is what the A/B test counts (thumbs up or accepted unchanged).
     */
    public record Feedback(String responseId, long timeMs, String version, Integer rating, Boolean accepted,
                           boolean edited, boolean positive) {
    }

    /** One version's outcomes over answers given at or after a time: answers, judged answers, positive, edited. */
    public record Counts(String version, long responses, long judged, long positive, long edited) {
        public double positiveRate() {
            return judged == 0 ? 0 : (double) positive / judged;
        }

        public double editRate() {
            return judged == 0 ? 0 : (double) edited / judged;
        }
    }

    public void addResponse(Response r) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO ab_responses(id, time_ms, version,"
                    + " endpoint, prompt, answer) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, r.id());
                ps.setLong(2, r.timeMs());
                ps.setString(3, r.version());
                ps.setString(4, r.endpoint());
                ps.setString(5, r.prompt());
                ps.setString(6, r.answer());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<Response> response(String id) {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT id, time_ms, version, endpoint, prompt, answer FROM ab_responses WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Response(rs.getString(1), rs.getLong(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6))) : Optional.empty();
                }
            } catch (SQLException e) {
                throw db.error("read a response", e);
            }
        }
    }

    /** Appends a verdict; returns its row id. */
    public long addFeedback(Feedback f) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ab_feedback(response_id, time_ms, version,"
                    + " rating, accepted, edited, positive) VALUES (?,?,?,?,?,?,?)",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, f.responseId());
                ps.setLong(2, f.timeMs());
                ps.setString(3, f.version());
                if (f.rating() == null) {
                    ps.setNull(4, Types.INTEGER);
                } else {
                    ps.setInt(4, f.rating());
                }
                if (f.accepted() == null) {
                    ps.setNull(5, Types.INTEGER);
                } else {
                    ps.setInt(5, f.accepted() ? 1 : 0);
                }
                ps.setInt(6, f.edited() ? 1 : 0);
                ps.setInt(7, f.positive() ? 1 : 0);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    /** Every verdict ever posted (each post is a row). */
    public long feedbackRows() {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement("SELECT COUNT(*) FROM ab_feedback");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            } catch (SQLException e) {
                throw db.error("count feedback", e);
            }
        }
    }

    /**
     * Per version, the answers given at or after {@code sinceMs} and how their latest verdicts went (an answer
     * counts once, however often it was re-rated).
     */
    public Map<String, Counts> perVersion(long sinceMs) {
        String sql = """
                SELECT r.version, COUNT(*), COUNT(f.id), COALESCE(SUM(f.positive), 0), COALESCE(SUM(f.edited), 0)
                FROM ab_responses r
                LEFT JOIN (SELECT response_id, MAX(id) AS last FROM ab_feedback GROUP BY response_id) l
                       ON l.response_id = r.id
                LEFT JOIN ab_feedback f ON f.id = l.last
                WHERE r.time_ms >= ? GROUP BY r.version ORDER BY r.version""";
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                ps.setLong(1, sinceMs);
                Map<String, Counts> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Counts(rs.getString(1), rs.getLong(2), rs.getLong(3),
                                rs.getLong(4), rs.getLong(5)));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw db.error("read A/B outcomes", e);
            }
        }
    }
}
