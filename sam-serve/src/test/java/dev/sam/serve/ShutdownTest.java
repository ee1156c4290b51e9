package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.store.RequestMetricsRepository;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping finishes requests in flight, refuses new ones, and writes every metric. */
class ShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void inFlightRequestsFinishAndMetricsAreFlushed() throws Exception {
        try (ServeFixture f = new ServeFixture(tmp)) {
            f.deploy();
            EchoBackend slow = new EchoBackend(1500);
            Api api = f.start(slow);
            CompletableFuture<Api.Resp> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return api.chat("slow one", false);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            while (slow.calls.get() == 0) {
                Thread.sleep(10);
            }
            long t0 = System.currentTimeMillis();
            RunningServer.Shutdown s = f.server.stop();
            f.server = null;
            assertTrue(s.drained());
            assertEquals(200, inFlight.get().status(), "the request in flight was answered");
            assertTrue(System.currentTimeMillis() - t0 < 5000, "no waiting beyond the requests in flight");
            assertEquals(1, new RequestMetricsRepository(f.db).perVersion(0).get(0).requests());
            assertEquals(1, s.recorded());
            Exception e = assertThrows(Exception.class, () -> api.get("/api/self"));
            assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException, e.toString());
        }
    }

    @Test
    void stopWithNothingInFlightIsImmediate() throws Exception {
        try (ServeFixture f = new ServeFixture(tmp)) {
            f.start(new EchoBackend()).get("/api/self");
            long t0 = System.currentTimeMillis();
            f.server.stop();
            f.server = null;
            assertTrue(System.currentTimeMillis() - t0 < 2000);
        }
    }
}
