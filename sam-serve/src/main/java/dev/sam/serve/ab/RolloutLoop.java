package dev.sam.serve.ab;

import dev.sam.deploy.ab.ProgressiveCanary;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.serve.rollback.Periodic;
import dev.sam.serve.routing.VersionWatcher;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sam serve's driver of progressive canaries: the server is where the traffic, the request metrics and
 * the health policy are, so it owns the steps while it runs. Every few seconds it flushes the request
 * metrics and lets {@link ProgressiveCanary#tick} analyse a running rollout whose interval is up; a move
 * (next share, promotion, abort) is written through sam-deploy and served from the next request on.
 */
public final class RolloutLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutLoop.class);

    private final ProgressiveCanary canary;
    private final MetricsWriter metrics;
    private final VersionWatcher watcher;
    private final LongSupplier clock;
    private Periodic loop;

    public RolloutLoop(ProgressiveCanary canary, MetricsWriter metrics, VersionWatcher watcher, LongSupplier clock) {
        this.canary = canary;
        this.metrics = metrics;
        this.watcher = watcher;
        this.clock = clock;
    }

    public RolloutLoop start(long intervalMillis) {
        loop = Periodic.start("sam-serve-canary-rollout", intervalMillis, this::tick, LOG, "canary rollout step");
        return this;
    }

    public synchronized Optional<ProgressiveCanary.Tick> tick() {
        metrics.flush();
        Optional<ProgressiveCanary.Tick> t = canary.tick(clock.getAsLong());
        if (t.isPresent()) {
            watcher.reload();
        }
        return t;
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
