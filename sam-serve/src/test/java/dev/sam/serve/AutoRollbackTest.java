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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-rollback end to end: a real server, faults injected into one version through the test-only
 * environment variables, the monitor acting through sam-deploy, traffic never stopping.
 */
class AutoRollbackTest {
    @TempDir
    Path tmp;
    ServeFixture f;

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** Statuses and versions of the responses sent by {@code clients} threads until {@code done} or the timeout. */
    private List<String[]> traffic(Api api, int clients, long timeoutMs, java.util.function.BooleanSupplier done)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<String[]> out = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    Api.Resp r = api.chat("hello", false);
                    out.add(new String[] {String.valueOf(r.status()), r.header("X-SAM-Version")});
                }
                return null;
            }));
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(300); // traffic continues after the decision
        stop.set(true);
        for (Future<?> x : fs) {
            x.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return out;
    }

    /** The monitor's decision is complete (its events are written after the store changed). */
    private boolean decided() {
        return !new EventRepository(f.db).recent("auto_rollback_policy", 1).isEmpty();
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
        f = new ServeFixture(tmp).rollback(0.15, 5000, 6, 10, 10);
        f.deploy();
        f.canary(30);
        Api api = f.start(new EchoBackend(), Map.of(FaultInjectingBackend.ENV_VERSION, "v1.0.1",
                FaultInjectingBackend.ENV_ERROR_RATE, "0.5"));
        assertTrue(f.server.info().warnings().stream().anyMatch(w -> w.contains("TEST FAULT INJECTION")));
        long t0 = System.currentTimeMillis();
        List<String[]> responses = traffic(api, 4, 15_000, this::decided);
        long took = System.currentTimeMillis() - t0;
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.1"));
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertTrue(took < 10_000, "aborted within the 10 s window, took " + took + " ms");
        for (String[] r : responses) {
            assertTrue(r[0].equals("200") || r[1].equals("v1.0.1"), "only the canary failed: " + r[0] + " " + r[1]);
        }
        String[] last = responses.get(responses.size() - 1);
        assertEquals("200", last[0]);
        assertEquals("v1.0.0", last[1], "still serving, now the active version only");
        Event e = event("auto_rollback");
        assertEquals("v1.0.1", e.version());
        assertEquals("canary_abort", e.data().get("operation"));
        assertTrue(e.message().matches("canary v1\\.0\\.1 aborted: error rate \\d+\\.\\d% \\(\\d+ of \\d+\\) > 15\\.0%"
                + " over the last 10 s \\(\\d+ requests\\)"), e.message());
        Event p = event("auto_rollback_policy");
        assertEquals("canary", p.data().get("role"));
        assertEquals(0.5, ((Number) p.data().get("error_rate")).doubleValue(), 0.1, "half of its requests failed");
        assertTrue(((Number) p.data().get("requests")).intValue() >= 10);
        JsonNode d = api.get("/api/metrics").json().at("/auto_rollback/decisions/0");
        assertEquals("canary aborted", d.get("outcome").asText());
    }

    @Test
    void slowActiveVersionIsRolledBackAndNothingFlaps() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, 300, 6, 4, 5);
        f.deploy();
        f.deploy();
        Api api = f.start(new EchoBackend(), Map.of(FaultInjectingBackend.ENV_VERSION, "*",
                FaultInjectingBackend.ENV_LATENCY_MS, "400"));
        long t0 = System.currentTimeMillis();
        traffic(api, 4, 10_000, this::decided);
        long took = System.currentTimeMillis() - t0;
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertTrue(took < 4_000 + 1_000, "rolled back within the 4 s window, took " + took + " ms");
        Event e = event("auto_rollback");
        assertEquals("rollback", e.data().get("operation"));
        assertEquals("v1.0.1", e.data().get("from"));
        assertTrue(((String) e.data().get("reason")).startsWith("mean latency 4"), e.data().toString());

        // v1.0.0 is just as slow (the fault hits every version), but no second decision within the window
        long decidedAt = System.currentTimeMillis();
        traffic(api, 4, 2_500, () -> false);
        assertEquals(1, new EventRepository(f.db).recent("auto_rollback_policy", 10).size());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        // after a whole window it is judged on its own requests; there is nothing left to roll back to
        traffic(api, 4, 6_000, () -> !new EventRepository(f.db).recent("auto_rollback_failed", 1).isEmpty());
        Event failed = event("auto_rollback_failed");
        assertTrue(System.currentTimeMillis() - decidedAt >= 4_000);
        assertEquals("v1.0.0", failed.version());
        assertTrue(((String) failed.data().get("outcome")).startsWith("failed: nothing to roll back"), failed.data().toString());
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertEquals(200, api.chat("still there?", false).status());
        assertFalse(api.get("/api/metrics").json().at("/auto_rollback/decisions/0/ok").asBoolean());
    }

    @Test
    void memoryOverTheLimitRollsBack() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, 5000, 0.001, 10, 5);
        f.deploy();
        f.deploy();
        Api api = f.start(new EchoBackend());
        traffic(api, 2, 10_000, this::decided);
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        assertTrue(event("auto_rollback").message().contains("memory "), event("auto_rollback").message());
    }
}
