package dev.sam.deploy;

import dev.sam.core.Bytes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.store.RequestMetricsRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The automatic-rollback rule of the original spec ("Rollback System": error rate > 15%, mean response
 * time > 5000 ms, memory > 6 GB → roll back), thresholds from {@code rollback.*} in config.yaml:
 * a version's numbers over the sliding window trigger when it has at least {@code min_requests}
 * requests and any threshold is exceeded. A pure function: no clock, no database, no side effects.
 * sam serve applies it continuously; sam cycle applies it before promoting a canary.
 *
 * <pre>Optional&lt;Verdict&gt; v = RollbackPolicy.from(config.rollback()).evaluate("canary", windowStats);</pre>
 */
public record RollbackPolicy(double maxErrorRate, double maxMeanLatencyMs, double maxMemoryBytes, int minRequests,
                             int windowSeconds) {

    public static RollbackPolicy from(SamConfig.Rollback r) {
        return new RollbackPolicy(r.maxErrorRate(), r.maxMeanLatencyMs(), r.maxMemoryGb() * (1L << 30), r.minRequests(),
                r.windowSeconds());
    }

    /**
     * Why a version must go.
     *
     * @param role    "active" (→ roll back to the previous version) or "canary" (→ abort the canary)
     * @param reason  one line with every exceeded threshold and its numbers
     * @param numbers the window's numbers and the thresholds, for the event log
     */
    public record Verdict(String version, String role, String reason, Map<String, Object> numbers) {
    }

    /** The verdict for one version's window, or empty when it may keep serving. */
    public Optional<Verdict> evaluate(String role, RequestMetricsRepository.PerVersion w) {
        if (w == null || w.requests() < minRequests) {
            return Optional.empty();
        }
        List<String> why = new ArrayList<>();
        if (w.errorRate() > maxErrorRate) {
            why.add(String.format(Locale.ROOT, "error rate %.1f%% (%d of %d) > %.1f%%", w.errorRate() * 100,
                    w.errors(), w.requests(), maxErrorRate * 100));
        }
        if (w.meanLatencyMs() > maxMeanLatencyMs) {
            why.add(String.format(Locale.ROOT, "mean latency %.0f ms > %.0f ms", w.meanLatencyMs(), maxMeanLatencyMs));
        }
        if (w.peakRssBytes() != null && w.peakRssBytes() > maxMemoryBytes) {
            why.add("memory " + Bytes.human(w.peakRssBytes()) + " > " + Bytes.human((long) maxMemoryBytes));
        }
        if (why.isEmpty()) {
            return Optional.empty();
        }
        String reason = String.join("; ", why) + " over the last " + windowSeconds + " s (" + w.requests()
                + " requests)";
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("requests", w.requests());
        n.put("errors", w.errors());
        n.put("error_rate", w.errorRate());
        n.put("mean_latency_ms", w.meanLatencyMs());
        n.put("p95_latency_ms", w.p95LatencyMs());
        n.put("peak_rss_bytes", w.peakRssBytes());
        n.put("max_error_rate", maxErrorRate);
        n.put("max_mean_latency_ms", maxMeanLatencyMs);
        n.put("max_memory_bytes", (long) maxMemoryBytes);
        n.put("min_requests", minRequests);
        n.put("window_seconds", windowSeconds);
        return Optional.of(new Verdict(w.version(), role, reason, n));
    }
}
