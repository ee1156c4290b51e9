package dev.sam.serve.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrafficSplitterTest {
    private static int canaryOf(int percent, int n) {
        TrafficSplitter s = new TrafficSplitter();
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += s.toCanary(percent) ? 1 : 0;
        }
        return c;
    }

    @Test
    void exactShareOfEveryHundredSpreadEvenly() {
        assertEquals(30, canaryOf(30, 100));
        assertEquals(60, canaryOf(30, 200));
        assertEquals(3, canaryOf(30, 10), "evenly spread, not bunched");
        assertEquals(1, canaryOf(1, 100));
        assertEquals(99, canaryOf(99, 100));
        assertEquals(0, canaryOf(0, 100));
        assertEquals(100, canaryOf(100, 100));
    }

    @Test
    void concurrentRequestsStillGetTheExactShare() throws Exception {
        TrafficSplitter s = new TrafficSplitter();
        AtomicInteger c = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 1000; i++) {
            pool.submit(() -> {
                if (s.toCanary(25)) {
                    c.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        assertEquals(250, c.get());
    }

    @Test
    void pickFallsBackToActiveWithoutCanary() {
        Served a = new Served("v1.0.0", Served.ACTIVE, java.nio.file.Path.of("a"), "b", null, null);
        Served c = new Served("v1.0.1", Served.CANARY, java.nio.file.Path.of("c"), "b", null, null);
        TrafficSplitter s = new TrafficSplitter();
        assertSame(a, s.pick(new ServedVersions(a, null, 0)));
        assertSame(a, s.pick(new ServedVersions(a, c, 0)));
        int canary = 0;
        for (int i = 0; i < 10; i++) {
            canary += s.pick(new ServedVersions(a, c, 50)) == c ? 1 : 0;
        }
        assertEquals(5, canary);
    }
}
