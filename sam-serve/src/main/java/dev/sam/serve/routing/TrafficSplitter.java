package dev.sam.serve.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a canary exactly its share of requests, deterministically: request n (counted from the
 * start of the server) goes to the canary when ⌊(n+1)·p/100⌋ > ⌊n·p/100⌋, which spreads the p canary
 * requests of every 100 evenly (Bresenham's rule) — 30% means requests 3, 6, 9, 13, … out of each 100,
 * never a run of bad luck as with a random draw.
 *
 * <pre>Served s = splitter.toCanary(versions.canaryTraffic()) ? versions.canary() : versions.active();</pre>
 */
public final class TrafficSplitter {
    private final AtomicLong counter = new AtomicLong();

    /** True when this request goes to the canary; {@code percent} 0..100. */
    public boolean toCanary(int percent) {
        long p = Math.max(0, Math.min(100, percent));
        long n = counter.getAndIncrement();
        return (n + 1) * p / 100 > n * p / 100;
    }

    /** The version for the next request. */
    public Served pick(ServedVersions v) {
        if (v.canary() == null || v.canaryTraffic() <= 0) {
            return v.active();
        }
        return toCanary(v.canaryTraffic()) ? v.canary() : v.active();
    }
}
