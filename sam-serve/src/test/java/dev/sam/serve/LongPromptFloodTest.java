package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.serve.chat.ChatBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 item 3: strangers' giant prompts must not roll a healthy version back. A backend whose cost is
 * linear in the prompt (prefill) and in the answer (decode) — like the real engine — gets a flood of ~6k-token
 * prompts from 4 clients at once; the mean request latency is far over {@code max_mean_latency_ms}, yet the
 * version's rates are fine, so it stays. The same flood against a version that decodes slowly does roll it
 * back, and the event log says the server was under load. The monitor runs on the test's clock.
 */
class LongPromptFloodTest {
    static final double MAX_LATENCY_MS = 200;

    @TempDir
    Path tmp;
    ServeFixture f;

    @AfterEach
    void tearDown() {
        f.close();
    }

    /**
     * Prefill 0.05 ms per prompt word, then {@code msPerToken} per generated token (0: as fast as it goes); it
     * reports its start, like the engine with its slots.
     */
    record LinearCostBackend(double msPerToken) implements ChatBackend {
        @Override
        public Completion generate(Generation g, TextSink sink) throws Exception {
            sink.started();
            int prompt = g.messages().stream().mapToInt(m -> m.content().split(" ").length).sum();
            Thread.sleep((long) (prompt * 0.05));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (msPerToken > 0) {
                    Thread.sleep((long) msPerToken);
                }
                text.append("tok ");
                sink.accept("tok ");
            }
            return new Completion(text.toString(), prompt, 8, "stop");
        }

        @Override
        public String describe() {
            return "linear cost (test fake)";
        }
    }

    private void flood(Api api, int requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String prompt = ("word" + i + " ").repeat(6000);
            fs.add(pool.submit(() -> api.chat(prompt, false).status()));
        }
        for (Future<Integer> x : fs) {
            assertEquals(200, x.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
    }

    private RequestMetricsRepository.PerVersion window(String version) {
        f.server.flushMetrics();
        return new RequestMetricsRepository(f.db).perVersion(0).stream().filter(p -> p.version().equals(version))
                .findFirst().orElseThrow();
    }

    private VersionStatus status(String v) {
        return new VersionsFile(f.home).read().stream().filter(x -> x.version().equals(v)).findFirst().orElseThrow()
                .status();
    }

    @Test
    void aFloodOfLongPromptsDoesNotRollBackAHealthyVersion() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, MAX_LATENCY_MS, 6, 300, 20).manualClock();
        f.deploy();
        String active = f.deploy();
        Api api = f.start(f.options(new LinearCostBackend(0)).withMonitorMillis(0));
        flood(api, 24);
        RequestMetricsRepository.PerVersion w = window(active);
        assertTrue(w.meanLatencyMs() > MAX_LATENCY_MS, "the old rule (mean latency) would roll back: " + w);
        assertTrue(w.service().ttftMsPerPromptToken() < 0.2, w.toString());
        assertTrue(f.server.rollbackMonitor().tick().isEmpty(), "judged by its rates: healthy " + w);
        assertEquals(VersionStatus.ACTIVE, status(active));
        assertTrue(new EventRepository(f.db).recent("auto_rollback_policy", 1).isEmpty());
    }

    @Test
    void aSlowVersionUnderTheSameFloodGoesAndTheLogSaysLoad() throws Exception {
        f = new ServeFixture(tmp).rollback(0.15, MAX_LATENCY_MS, 6, 300, 20).manualClock();
        f.deploy();
        String active = f.deploy();
        Api api = f.start(f.options(new LinearCostBackend(10)).withMonitorMillis(0));
        flood(api, 24);
        assertTrue(f.server.rollbackMonitor().tick().isPresent(), window(active).toString());
        assertEquals(VersionStatus.ROLLED_BACK, status(active));
        var e = new EventRepository(f.db).recent("auto_rollback_policy", 1).get(0);
        assertEquals("load", e.data().get("cause"), e.data().toString());
        assertTrue(e.message().contains("under load"), e.message());
    }
}
