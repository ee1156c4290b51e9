package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.SamConfig;
import dev.sam.core.store.RequestMetricsRepository;
import org.junit.jupiter.api.Test;

/** The policy as a pure function: thresholds from the original spec, strict comparisons, minimum count. */
class RollbackPolicyTest {
    static final RollbackPolicy P = RollbackPolicy.from(SamConfig.defaults().rollback());
    static final long GB = 1L << 30;

    static RequestMetricsRepository.PerVersion w(long requests, long errors, double meanMs, Long rss) {
        return new RequestMetricsRepository.PerVersion("v1.0.1", requests, errors, requests == 0 ? 0 : (double) errors / requests,
                meanMs, meanMs, meanMs, rss, 0, 0, 0);
    }

    @Test
    void defaultsAreTheOriginalThresholds() {
        assertEquals(0.15, P.maxErrorRate());
        assertEquals(5000, P.maxMeanLatencyMs());
        assertEquals(6.0 * GB, P.maxMemoryBytes());
        assertEquals(20, P.minRequests());
        assertEquals(300, P.windowSeconds());
    }

    @Test
    void healthyOrTooFewRequestsKeepServing() {
        assertTrue(P.evaluate("active", w(100, 15, 4999, 6 * GB)).isEmpty(), "at the thresholds is not over them");
        assertTrue(P.evaluate("active", w(19, 19, 9000, 7 * GB)).isEmpty(), "below min_requests nothing is judged");
        assertTrue(P.evaluate("active", null).isEmpty(), "no requests at all");
        assertTrue(P.evaluate("active", w(100, 0, 10, null)).isEmpty(), "unknown memory is not a trigger");
    }

    @Test
    void errorRateTriggersWithTheNumbersInTheReason() {
        var v = P.evaluate("canary", w(40, 7, 120, 100_000_000L)).orElseThrow();
        assertEquals("v1.0.1", v.version());
        assertEquals("canary", v.role());
        assertEquals("error rate 17.5% (7 of 40) > 15.0% over the last 300 s (40 requests)", v.reason());
        assertEquals(40L, v.numbers().get("requests"));
        assertEquals(7L, v.numbers().get("errors"));
        assertEquals(0.175, (double) v.numbers().get("error_rate"), 1e-9);
        assertEquals(0.15, v.numbers().get("max_error_rate"));
        assertEquals(300, v.numbers().get("window_seconds"));
    }

    @Test
    void latencyAndMemoryTriggerAndAreAllListed() {
        assertEquals("mean latency 5001 ms > 5000 ms over the last 300 s (20 requests)",
                P.evaluate("active", w(20, 0, 5001, null)).orElseThrow().reason());
        assertEquals("memory 6.5 GiB > 6.0 GiB over the last 300 s (20 requests)",
                P.evaluate("active", w(20, 0, 10, (long) (6.5 * GB))).orElseThrow().reason());
        assertEquals("error rate 50.0% (10 of 20) > 15.0%; mean latency 6000 ms > 5000 ms; memory 7.0 GiB > 6.0 GiB"
                + " over the last 300 s (20 requests)", P.evaluate("active", w(20, 10, 6000, 7 * GB)).orElseThrow().reason());
    }

    @Test
    void thresholdsComeFromConfig() {
        RollbackPolicy p = RollbackPolicy.from(new SamConfig.Rollback(0.5, 100, 1, 10, 3, true));
        assertTrue(p.evaluate("active", w(3, 1, 50, null)).isEmpty());
        assertTrue(p.evaluate("active", w(3, 2, 50, null)).isPresent());
        assertTrue(p.evaluate("active", w(3, 0, 101, null)).isPresent());
        assertTrue(p.evaluate("active", w(3, 0, 50, GB + 1)).isPresent());
    }

    static RequestMetricsRepository.PerVersion timed(long requests, long distinct, double meanMs,
                                                    RequestMetricsRepository.Service sv) {
        return new RequestMetricsRepository.PerVersion("v1.0.1", requests, 0, 0, meanMs, meanMs, meanMs, null, 0, 0, 0,
                sv);
    }

    @Test
    void giantPromptsDoNotMakeAHealthyVersionSlow() {
        // 22 requests of ~6k-token prompts, about a minute each (issue 22): the mean latency is far over 5000 ms,
        // but the version prefills at 8 ms per prompt token and decodes at 20 ms per token, so a reference
        // request takes 256 × 8 + 64 × 20 = 3328 ms
        var healthy = new RequestMetricsRepository.Service(22, 22, 20, 8, 0, 1);
        assertEquals(256 * 8 + 64 * 20, RollbackPolicy.referenceLatencyMs(healthy), 1e-9);
        assertTrue(P.evaluate("active", timed(22, 22, 60_000, healthy)).isEmpty(),
                "judged by its rates, not by the clients' prompt sizes");
        var slow = new RequestMetricsRepository.Service(22, 22, 70, 8, 0, 1);
        var v = P.evaluate("active", timed(22, 22, 60_000, slow)).orElseThrow();
        assertEquals("reference latency 6528 ms (256 × 8.00 ms per prompt token + 64 × 70.0 ms per generated token)"
                + " > 5000 ms over the last 300 s (22 requests, 22 different prompts)", v.reason());
        assertEquals("version", v.numbers().get("cause"));
    }

    @Test
    void aFewPromptsRepeatedAreNotEnoughRequests() {
        var slow = new RequestMetricsRepository.Service(3, 100, 500, 50, 0, 1);
        assertTrue(P.evaluate("active", timed(100, 3, 60_000, slow)).isEmpty(),
                "100 requests but 3 different prompts: below min_requests (20) distinct ones");
        var errors = new RequestMetricsRepository.PerVersion("v1.0.1", 100, 100, 1.0, 10, 10, 10, null, 0, 0, 0,
                new RequestMetricsRepository.Service(1, 0, 0, 0, 0, 1));
        assertTrue(P.evaluate("active", errors).isEmpty(), "one prompt sent 100 times is one request");
    }

    @Test
    void latencyUnderLoadIsLabelledLoad() {
        var busy = new RequestMetricsRepository.Service(30, 30, 70, 8, 4000, 2.0);
        var v = P.evaluate("active", timed(30, 30, 60_000, busy)).orElseThrow();
        assertEquals("load", v.numbers().get("cause"));
        assertTrue(v.reason().endsWith("; the server was under load (2.0 generations at once, 4000 ms mean wait for"
                + " a slot)"), v.reason());
        var failing = new RequestMetricsRepository.PerVersion("v1.0.1", 30, 20, 20 / 30.0, 10, 10, 10, null, 0, 0, 0,
                busy);
        assertEquals("version", P.evaluate("active", failing).orElseThrow().numbers().get("cause"),
                "errors are the version's whatever the load");
    }
}
