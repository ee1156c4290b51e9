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
 * requests with different prompts and any threshold is exceeded. A pure function: no clock, no database,
 * no side effects.
 * <p>Latency is judged on what the version controls, not on what clients ask or how busy the server is
 * (docs/user-guide.md, "Automatic rollback"): the time a {@linkplain #REFERENCE_PROMPT_TOKENS reference
 * request} would take at the version's measured rates, {@code 256 × ttft_ms_per_prompt_token + 64 ×
 * ms_per_token}, queueing excluded ({@link RequestMetricsRepository.Service}); a giant prompt makes its own
 * request slow, not the version's rate. Only rows without that breakdown (older servers) fall back to the
 * mean latency. A verdict says whether the server was under load ({@code cause}: "load" or "version").
 * sam serve applies it continuously; sam cycle applies it before promoting a canary.
 *
 * <pre>Optional&lt;Verdict&gt; v = RollbackPolicy.from(config.rollback()).evaluate("canary", windowStats);</pre>
 */
public record RollbackPolicy(double maxErrorRate, double maxMeanLatencyMs, double maxMemoryBytes, int minRequests,
                             int windowSeconds) {
    /** The reference request whose latency is compared with {@code max_mean_latency_ms}: prompt tokens ... */
    public static final int REFERENCE_PROMPT_TOKENS = 256;
    /** ... and generated tokens. */
    public static final int REFERENCE_NEW_TOKENS = 64;
    /** Under load: this many generations at once on average (each uses every core), or ... */
    static final double LOAD_IN_FLIGHT = 1.5;
    /** ... requests waited this long on average for a generation slot. */
    static final double LOAD_QUEUE_MS = 1000;

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
        RequestMetricsRepository.Service sv = w == null ? null : w.service();
        if (w == null || w.requests() < minRequests || (sv != null && sv.distinct() < minRequests)) {
            return Optional.empty();
        }
        List<String> why = new ArrayList<>();
        boolean errorsOrMemory = false;
        if (w.errorRate() > maxErrorRate) {
            why.add(String.format(Locale.ROOT, "error rate %.1f%% (%d of %d) > %.1f%%", w.errorRate() * 100,
                    w.errors(), w.requests(), maxErrorRate * 100));
            errorsOrMemory = true;
        }
        if (sv != null && sv.timed() > 0) {
            double ref = referenceLatencyMs(sv);
            if (ref > maxMeanLatencyMs) {
                why.add(String.format(Locale.ROOT, "reference latency %.0f ms (%d × %.2f ms per prompt token + %d ×"
                                + " %.1f ms per generated token) > %.0f ms", ref, REFERENCE_PROMPT_TOKENS,
                        sv.ttftMsPerPromptToken(), REFERENCE_NEW_TOKENS, sv.msPerToken(), maxMeanLatencyMs));
            }
        } else if (sv == null && w.meanLatencyMs() > maxMeanLatencyMs) {
            why.add(String.format(Locale.ROOT, "mean latency %.0f ms > %.0f ms", w.meanLatencyMs(), maxMeanLatencyMs));
        }
        if (w.peakRssBytes() != null && w.peakRssBytes() > maxMemoryBytes) {
            why.add("memory " + Bytes.human(w.peakRssBytes()) + " > " + Bytes.human((long) maxMemoryBytes));
            errorsOrMemory = true;
        }
        if (why.isEmpty()) {
            return Optional.empty();
        }
        boolean loaded = sv != null && (sv.meanInFlight() >= LOAD_IN_FLIGHT || sv.meanQueueMs() >= LOAD_QUEUE_MS);
        String cause = loaded && !errorsOrMemory ? "load" : "version";
        String reason = String.join("; ", why) + " over the last " + windowSeconds + " s (" + w.requests()
                + " requests" + (sv == null ? "" : ", " + sv.distinct() + " different prompts") + ")"
                + (loaded ? String.format(Locale.ROOT, "; the server was under load (%.1f generations at once,"
                + " %.0f ms mean wait for a slot)", sv.meanInFlight(), sv.meanQueueMs()) : "");
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("cause", cause);
        n.put("requests", w.requests());
        n.put("errors", w.errors());
        n.put("error_rate", w.errorRate());
        n.put("mean_latency_ms", w.meanLatencyMs());
        n.put("p95_latency_ms", w.p95LatencyMs());
        n.put("peak_rss_bytes", w.peakRssBytes());
        if (sv != null) {
            n.put("distinct_prompts", sv.distinct());
            n.put("ms_per_token", sv.msPerToken());
            n.put("ttft_ms_per_prompt_token", sv.ttftMsPerPromptToken());
            n.put("reference_latency_ms", sv.timed() > 0 ? referenceLatencyMs(sv) : null);
            n.put("mean_queue_ms", sv.meanQueueMs());
            n.put("mean_in_flight", sv.meanInFlight());
        }
        n.put("max_error_rate", maxErrorRate);
        n.put("max_mean_latency_ms", maxMeanLatencyMs);
        n.put("max_memory_bytes", (long) maxMemoryBytes);
        n.put("min_requests", minRequests);
        n.put("window_seconds", windowSeconds);
        return Optional.of(new Verdict(w.version(), role, reason, n));
    }

    /** {@code 256 × ttft_ms_per_prompt_token + 64 × ms_per_token}: a reference request at the version's rates. */
    public static double referenceLatencyMs(RequestMetricsRepository.Service sv) {
        return REFERENCE_PROMPT_TOKENS * sv.ttftMsPerPromptToken() + REFERENCE_NEW_TOKENS * sv.msPerToken();
    }
}
