package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.store.RequestMetricsRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 20 concurrent clients × 500 requests to /api/self: no errors, every request recorded. */
class LoadTest {
    @TempDir
    Path tmp;

    @Test
    void twentyClientsFiveHundredRequestsEachWithoutErrors() throws Exception {
        try (ServeFixture f = new ServeFixture(tmp)) {
            f.deploy();
            f.canary(10);
            f.start(new EchoBackend());
            LoadRunner.Result r = LoadRunner.run(20, 500, LoadRunner.get(f.server.port(), System.getProperty("loadpath", "/api/self")));
            assertEquals(0, r.errors(), "first error: " + r.firstError());
            assertEquals(10_000, r.total());
            assertTrue(r.seconds() < 90, "bounded: " + r);
            RunningServer.Shutdown s = f.server.stop();
            f.server = null;
            assertTrue(s.drained());
            assertEquals(0, s.dropped());
            long recorded = new RequestMetricsRepository(f.db).perVersion(0).stream().filter(p -> p.version().equals("api"))
                    .mapToLong(RequestMetricsRepository.PerVersion::requests).sum();
            assertEquals(10_000, recorded, "every request in request_metrics");
            System.out.printf("load: %d requests in %.1f s, %.0f req/s, p50 %.2f ms, p99 %.2f ms%n", r.total(),
                    r.seconds(), r.requestsPerSecond(), r.p50Ms(), r.p99Ms());
        }
    }
}
