package dev.sam.serve.rollback;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A server loop (the auto-rollback monitor, the canary rollout): one daemon thread running a check every
 * interval, a failed check logged and the loop kept alive; {@link #close} lets a check in progress finish
 * (a rollback or a promotion is never interrupted half-way).
 */
public final class Periodic implements AutoCloseable {
    private final ScheduledExecutorService scheduler;

    private Periodic(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code check} every {@code intervalMillis} on a thread named {@code name}. */
    public static Periodic start(String name, long intervalMillis, Runnable check, Logger log, String what) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (RuntimeException e) {
                log.error("{} failed", what, e);
            }
        }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        return new Periodic(s);
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
