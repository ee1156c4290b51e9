package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Event;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.serve.chat.FaultInjectingBackend;
import dev.sam.serve.rollback.RollbackMonitor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-rollback end to end: a real server, faults injected into one version through the test-only
 * environment variables, the monitor acting through sam-deploy. The monitor's clock is the test's
 * ({@link ServeFixture#manualClock}): windows pass when the test says so and each check runs when the test
 * calls it, so nothing depends on how fast a loaded machine answers.
 */
class AutoRollbackTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    private int sent;

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** {@code n} chat requests, each with its own prompt; the status and version of each. */
    private List<String[]> traffic(Api api, int n) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Api.Resp r = api.chat("hello number " + sent++, false);
            out.add(new String[] {String.valueOf(r.status()), r.header("X-SAM-Version")});
        }
        return out;
    }

    private RollbackMonitor monitor() {
        return f.server.rollbackMonitor();
    }

    /** The window's numbers, for the message of a failed assertion. */
    private String window() {
        f.server.flushMetrics();
        return new dev.sam.core.store.RequestMetricsRepository(f.db).perVersion(0).toString();
    }

    private VersionStatus status(String v) {
        return new VersionsFile(f.home).read().stream().filter(x -> x.version().equals(v)).findFirst().orElseThrow()
                .status();
    }

    private Event event(String kind) {
        List<Event> l = new EventRepository(f.db).recent(kind, 10);
        assertEquals(1, l.size(), kind + " events: " + l);
        return l.get(0);
    }

    @Test
    void failingCanaryIsAbortedWithinTheWindow() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, 5000, 6, 10, 10).manualClock();
        f.deploy();
        f.canary(30);
        Api api = f.start(f.options(new EchoBackend()).withMonitorMillis(0).withEnv(Map.of(
                FaultInjectingBackend.ENV_VERSION, "v1.0.1", FaultInjectingBackend.ENV_ERROR_RATE, "0.5")));
        assertTrue(f.server.info().warnings().stream().anyMatch(w -> w.contains("TEST FAULT INJECTION")));
        List<String[]> responses = traffic(api, 80);
        for (String[] r : responses) {
            assertTrue(r[0].equals("200") || r[1].equals("v1.0.1"), "only the canary failed: " + r[0] + " " + r[1]);
        }
        assertTrue(monitor().tick().isPresent(), "decided within the window it was measured in: " + window());
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.1"));
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        for (String[] r : traffic(api, 5)) {
            assertEquals("200", r[0]);
            assertEquals("v1.0.0", r[1], "still serving, now the active version only");
        }
        Event e = event("auto_rollback");
        assertEquals("v1.0.1", e.version());
        assertEquals("canary_abort", e.data().get("operation"));
        assertTrue(e.message().matches("canary v1\\.0\\.1 aborted: error rate \\d+\\.\\d% \\(\\d+ of \\d+\\) > 15\\.0%"
                + " over the last 10 s \\(\\d+ requests, \\d+ different prompts\\)"), e.message());
        Event p = event("auto_rollback_policy");
        assertEquals("canary", p.data().get("role"));
        assertEquals("version", p.data().get("cause"), "errors are the version's");
        assertEquals(0.5, ((Number) p.data().get("error_rate")).doubleValue(), 0.1, "half of its requests failed");
        assertTrue(((Number) p.data().get("requests")).intValue() >= 10);
        JsonNode d = api.get("/api/metrics").json().at("/auto_rollback/decisions/0");
        assertEquals("canary aborted", d.get("outcome").asText());
    }

    @Test
    void slowActiveVersionIsRolledBackAndNothingFlaps() throws Exception {
        // 100 ms before the first token on a short prompt: 256 × 100/64 ms per prompt token > 300 ms
        f = new ServeFixture(tmp).rollback(0.15, 300, 6, 4, 5).manualClock();
        f.deploy();
        f.deploy();
        Api api = f.start(f.options(new EchoBackend()).withMonitorMillis(0).withEnv(Map.of(
                FaultInjectingBackend.ENV_VERSION, "*", FaultInjectingBackend.ENV_LATENCY_MS, "100")));
        traffic(api, 4);
        assertTrue(monitor().tick().isEmpty(), "4 requests are fewer than min_requests (5)");
        traffic(api, 2);
        Optional<dev.sam.serve.rollback.Decision> d = monitor().tick();
        assertTrue(d.isPresent(), this::window);
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        Event e = event("auto_rollback");
        assertEquals("rollback", e.data().get("operation"));
        assertEquals("v1.0.1", e.data().get("from"));
        assertTrue(((String) e.data().get("reason")).startsWith("reference latency "), e.data().toString());
        assertEquals("version", event("auto_rollback_policy").data().get("cause"), "one request at a time: no load");

        // v1.0.0 is just as slow (the fault hits every version), but no second decision within the window
        traffic(api, 6);
        f.advance(3_999);
        assertTrue(monitor().tick().isEmpty());
        assertEquals(1, new EventRepository(f.db).recent("auto_rollback_policy", 10).size());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        // after a whole window it is judged on its own requests; there is nothing left to roll back to
        f.advance(1);
        traffic(api, 6);
        assertTrue(monitor().tick().isPresent(), this::window);
        Event failed = event("auto_rollback_failed");
        assertEquals("v1.0.0", failed.version());
        assertTrue(((String) failed.data().get("outcome")).startsWith("failed: nothing to roll back"), failed.data().toString());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertEquals(200, api.chat("still there?", false).status());
        assertFalse(api.get("/api/metrics").json().at("/auto_rollback/decisions/0/ok").asBoolean());
    }

    @Test
    void memoryOverTheLimitRollsBack() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, 5000, 0.001, 10, 5).manualClock();
        f.deploy();
        f.deploy();
        Api api = f.start(f.options(new EchoBackend()).withMonitorMillis(0));
        traffic(api, 5);
        assertTrue(monitor().tick().isPresent(), this::window);
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertTrue(event("auto_rollback").message().contains("memory "), event("auto_rollback").message());
    }

    @Test
    void theBackgroundLoopDecidesToo() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, 5000, 0.001, 60, 5);
        f.deploy();
        f.deploy();
        Api api = f.start(new EchoBackend()); // monitor every 200 ms, real clock
        traffic(api, 5);
        long deadline = System.currentTimeMillis() + 30_000;
        while (new EventRepository(f.db).recent("auto_rollback_policy", 1).isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
    }
}
