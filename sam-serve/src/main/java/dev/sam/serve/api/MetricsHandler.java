package dev.sam.serve.api;

import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.serve.rollback.RollbackMonitor;
import dev.sam.deploy.RollbackPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/metrics}: per-version requests, errors, error rate, latency mean/p50/p95, peak RSS
 * and tokens — over the auto-rollback window and over all time (sam-deploy's {@link RequestMetricsRepository},
 * the numbers {@code sam stats} shows) — plus the auto-rollback policy and its recent decisions.
 * Version "api" counts requests that no model served (status endpoints, rejected requests).
 */
public final class MetricsHandler implements Handler {
    private final ServeState state;
    private final MetricsWriter writer;
    private final RollbackMonitor monitor;

    public MetricsHandler(ServeState state, MetricsWriter writer, RollbackMonitor monitor) {
        this.state = state;
        this.writer = writer;
        this.monitor = monitor;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        writer.flush();
        RollbackPolicy p = monitor.policy();
        long now = System.currentTimeMillis();
        RequestMetricsRepository stats = new RequestMetricsRepository(state.db());
        Map<String, Object> auto = new LinkedHashMap<>();
        auto.put("enabled", state.config().rollback().enabled());
        auto.put("policy", p);
        auto.put("last_check", monitor.lastCheck());
        auto.put("decisions", monitor.decisions());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("window_seconds", p.windowSeconds());
        body.put("window", stats.perVersion(now - p.windowSeconds() * 1000L));
        body.put("all_time", stats.perVersion(0));
        body.put("auto_rollback", auto);
        body.put("recorded", writer.written());
        body.put("dropped", writer.dropped());
        call.respond(200, body);
    }
}
