package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.VersionsFile;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.core.store.RequestRecord;
import dev.sam.serve.rollback.Decision;
import dev.sam.serve.rollback.RollbackMonitor;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.serve.routing.VersionWatcher;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's decisions with a controlled clock: canary first, one decision per window, no re-evaluation. */
class RollbackMonitorTest {
    @TempDir
    Path tmp;

    @Test
    void oneDecisionPerWindowCanaryFirstAndNoFlapping() throws Exception {
        try (ServeFixture f = new ServeFixture(tmp).rollback(0.15, 5000, 6, 60, 20);
             MetricsWriter w = MetricsWriter.start(f.db, 10)) {
            f.deploy();
            f.deploy();
            f.canary(20);
            AtomicLong now = new AtomicLong(10_000_000);
            RollbackMonitor m = new RollbackMonitor(f.ctx(), RollbackPolicy.from(f.config.rollback()), w,
                    new VersionWatcher(f.home, f.config, 0), now::get);
            failing(w, "v1.0.2", now.get() - 1000, 19);
            assertEquals(Optional.empty(), m.tick(), "19 requests are below min_requests");
            failing(w, "v1.0.2", now.get() - 1000, 1);
            failing(w, "v1.0.1", now.get() - 1000, 40);
            Decision d = m.tick().orElseThrow();
            assertEquals("v1.0.2", d.version(), "the canary is judged first");
            assertEquals("canary aborted", d.outcome());
            assertEquals(VersionStatus.ROLLED_BACK, status(f, "v1.0.2"));

            now.addAndGet(30_000);
            assertEquals(Optional.empty(), m.tick(), "one decision per window: v1.0.1 waits");
            now.addAndGet(31_000);
            assertEquals(Optional.empty(), m.tick(), "its old failures are outside the window now");
            failing(w, "v1.0.2", now.get() - 10, 50);
            assertEquals(Optional.empty(), m.tick(), "an aborted canary is never judged again");
            failing(w, "v1.0.1", now.get() - 10, 20);
            Decision d2 = m.tick().orElseThrow();
            assertEquals("rolled back to v1.0.0", d2.outcome());
            assertTrue(d2.reason().startsWith("error rate 100.0% (20 of 20)"), d2.reason());
            assertEquals(VersionStatus.ACTIVE, status(f, "v1.0.0"));
            assertEquals(2, m.decisions().size());
        }
    }

    private static void failing(MetricsWriter w, String version, long at, int n) {
        for (int i = 0; i < n; i++) {
            w.record(new RequestRecord(at, version, "chat.completions", false, 10, 1L << 20, 0L));
        }
    }

    private static VersionStatus status(ServeFixture f, String v) {
        return new VersionsFile(f.home).read().stream().filter(x -> x.version().equals(v)).findFirst().orElseThrow()
                .status();
    }
}
