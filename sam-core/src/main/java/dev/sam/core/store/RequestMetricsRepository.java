package dev.sam.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The one owner of the {@code request_metrics} table: its schema (part of sam-core's first migration,
 * {@link CoreSchema}), the insert {@code sam serve}'s metrics writer batches, and the per-version numbers
 * {@code sam stats}, {@code GET /api/metrics} and the auto-rollback policy read — requests, errors, error
 * rate, latency mean / p50 / p95 (nearest rank), peak RSS, tokens.
 *
 * <pre>List&lt;RequestMetricsRepository.PerVersion&gt; l = new RequestMetricsRepository(db).perVersion(0);</pre>
 */
public final class RequestMetricsRepository {
    /** The table, as created by sam-core's migration 1 (released: never edited, only followed). */
    static final String CREATE_TABLE = """
            CREATE TABLE request_metrics (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              time_ms INTEGER NOT NULL,
              version TEXT NOT NULL,
              endpoint TEXT NOT NULL,
              ok INTEGER NOT NULL,
              latency_ms REAL NOT NULL,
              rss_bytes INTEGER,
              tokens INTEGER)""";
    static final String CREATE_INDEX = "CREATE INDEX request_metrics_version_time ON request_metrics(version, time_ms)";

    /** sam-core's migration 2: what the latency judgement of the auto-rollback policy needs. */
    static final List<String> ADD_SERVICE_COLUMNS = List.of(
            "ALTER TABLE request_metrics ADD COLUMN prompt_tokens INTEGER",
            "ALTER TABLE request_metrics ADD COLUMN queue_ms REAL",
            "ALTER TABLE request_metrics ADD COLUMN ttft_ms REAL",
            "ALTER TABLE request_metrics ADD COLUMN decode_ms REAL",
            "ALTER TABLE request_metrics ADD COLUMN in_flight INTEGER",
            "ALTER TABLE request_metrics ADD COLUMN prompt_hash TEXT");

    /** Prompts shorter than this count as this long when time to first token is normalized (fixed costs). */
    public static final int MIN_PROMPT_TOKENS = 64;

    private static final String INSERT = "INSERT INTO request_metrics(time_ms, version, endpoint, ok, latency_ms,"
            + " rss_bytes, tokens, prompt_tokens, queue_ms, ttft_ms, decode_ms, in_flight, prompt_hash)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private final Database db;

    public RequestMetricsRepository(Database db) {
        this.db = db;
    }

    /**
     * One version's numbers; latencies in milliseconds, {@code peakRssBytes} null when not recorded,
     * {@code service} null when no request recorded how its time was spent.
     */
    public record PerVersion(String version, long requests, long errors, double errorRate, double meanLatencyMs,
                             double p50LatencyMs, double p95LatencyMs, Long peakRssBytes, long tokens,
                             long firstTimeMs, long lastTimeMs, Service service) {
        public PerVersion(String version, long requests, long errors, double errorRate, double meanLatencyMs,
                          double p50LatencyMs, double p95LatencyMs, Long peakRssBytes, long tokens, long firstTimeMs,
                          long lastTimeMs) {
            this(version, requests, errors, errorRate, meanLatencyMs, p50LatencyMs, p95LatencyMs, peakRssBytes, tokens,
                    firstTimeMs, lastTimeMs, null);
        }
    }

    /**
     * How a version's generations spent their time (docs/user-guide.md, "Automatic rollback"), queueing
     * excluded: over the {@code timed} requests that produced text, {@code msPerToken} = Σ decode time (first text
     * to the generation's end) / Σ generated tokens and {@code ttftMsPerPromptToken} = Σ ttft / Σ max(prompt tokens, {@value
     * #MIN_PROMPT_TOKENS}); {@code distinct} counts different prompts (a request without a prompt hash counts
     * on its own); {@code meanQueueMs} and {@code meanInFlight} say how loaded the server was.
     */
    public record Service(long distinct, long timed, double msPerToken, double ttftMsPerPromptToken, double meanQueueMs,
                          double meanInFlight) {
    }

    /** Inserts the rows in one transaction. */
    public void insert(List<RequestRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (RequestRecord r : rows) {
                    ps.setLong(1, r.timeMs());
                    ps.setString(2, r.version());
                    ps.setString(3, r.endpoint());
                    ps.setInt(4, r.ok() ? 1 : 0);
                    ps.setDouble(5, r.latencyMs());
                    setLong(ps, 6, r.rssBytes());
                    setLong(ps, 7, r.tokens());
                    RequestRecord.Service sv = r.service();
                    setLong(ps, 8, sv == null ? null : (long) sv.promptTokens());
                    setDouble(ps, 9, sv == null ? null : sv.queueMs());
                    setDouble(ps, 10, sv == null ? null : sv.ttftMs());
                    setDouble(ps, 11, sv == null ? null : sv.decodeMs());
                    setLong(ps, 12, sv == null ? null : (long) sv.inFlight());
                    ps.setString(13, sv == null ? null : sv.promptHash());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every version with requests at or after {@code sinceMs} (epoch ms; 0 = all), by version name. */
    public List<PerVersion> perVersion(long sinceMs) {
        String sql = """
                SELECT version, COUNT(*), SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), AVG(latency_ms), MAX(rss_bytes),
                       COALESCE(SUM(tokens), 0), MIN(time_ms), MAX(time_ms),
                       COUNT(DISTINCT COALESCE(prompt_hash, 'row:' || id)),
                       SUM(CASE WHEN ttft_ms IS NOT NULL AND tokens > 0 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN ttft_ms IS NOT NULL AND tokens > 0 THEN COALESCE(decode_ms, 0) END),
                       SUM(CASE WHEN ttft_ms IS NOT NULL AND tokens > 0 THEN tokens END),
                       SUM(CASE WHEN ttft_ms IS NOT NULL AND tokens > 0 THEN ttft_ms END),
                       SUM(CASE WHEN ttft_ms IS NOT NULL AND tokens > 0 THEN MAX(COALESCE(prompt_tokens, 0), ?) END),
                       AVG(queue_ms), AVG(in_flight), COUNT(queue_ms)
                FROM request_metrics WHERE time_ms >= ? GROUP BY version ORDER BY version""";
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                ps.setInt(1, MIN_PROMPT_TOKENS);
                ps.setLong(2, sinceMs);
                List<PerVersion> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String v = rs.getString(1);
                        long n = rs.getLong(2);
                        long errors = rs.getLong(3);
                        long rss = rs.getLong(5);
                        Long peak = rs.wasNull() ? null : rss;
                        long timed = rs.getLong(10);
                        Service service = rs.getLong(17) == 0 ? null : new Service(rs.getLong(9), timed,
                                timed == 0 ? 0 : rs.getDouble(11) / Math.max(1, rs.getLong(12)),
                                timed == 0 ? 0 : rs.getDouble(13) / Math.max(1, rs.getDouble(14)), rs.getDouble(15),
                                rs.getDouble(16));
                        out.add(new PerVersion(v, n, errors, n == 0 ? 0 : (double) errors / n, rs.getDouble(4),
                                0, 0, peak, rs.getLong(6), rs.getLong(7), rs.getLong(8), service));
                    }
                }
                List<PerVersion> withPercentiles = new ArrayList<>();
                for (PerVersion p : out) {
                    withPercentiles.add(new PerVersion(p.version(), p.requests(), p.errors(), p.errorRate(),
                            p.meanLatencyMs(), percentile(p.version(), sinceMs, p.requests(), 0.50),
                            percentile(p.version(), sinceMs, p.requests(), 0.95), p.peakRssBytes(), p.tokens(),
                            p.firstTimeMs(), p.lastTimeMs(), p.service()));
                }
                return withPercentiles;
            } catch (SQLException e) {
                throw db.error("read request metrics", e);
            }
        }
    }

    /** Nearest-rank percentile: the ⌈q·n⌉-th smallest latency. */
    private double percentile(String version, long sinceMs, long n, double q) throws SQLException {
        long rank = Math.max(1, (long) Math.ceil(q * n));
        try (PreparedStatement ps = db.connection().prepareStatement("SELECT latency_ms FROM request_metrics "
                + "WHERE version = ? AND time_ms >= ? ORDER BY latency_ms LIMIT 1 OFFSET ?")) {
            ps.setString(1, version);
            ps.setLong(2, sinceMs);
            ps.setLong(3, rank - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : 0;
            }
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }
}
