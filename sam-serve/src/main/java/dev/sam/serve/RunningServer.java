package dev.sam.serve;

import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.http.Router;
import dev.sam.serve.http.SamHttpServer;
import dev.sam.serve.metrics.MetricsWriter;
import dev.sam.serve.rollback.RollbackMonitor;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started server. {@link #stop()} (or close) shuts it down gracefully: new requests get 503, requests in
 * flight finish (up to the grace period), the listener closes, the auto-rollback loop stops, and every
 * recorded request metric is written before it returns.
 *
 * <pre>try (RunningServer s = service.start(options)) { print(s.info()); s.awaitShutdownSignal(); }</pre>
 */
public final class RunningServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);

    private final ServeInfo info;
    private final SamHttpServer server;
    private final Router router;
    private final MetricsWriter writer;
    private final RollbackMonitor monitor;
    private final AutoCloseable rollouts;
    private final ChatBackend backend;
    private final long graceMillis;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Shutdown shutdown;

    RunningServer(ServeInfo info, SamHttpServer server, Router router, MetricsWriter writer,
                  RollbackMonitor monitor, AutoCloseable rollouts, ChatBackend backend, long graceMillis) {
        this.info = info;
        this.server = server;
        this.router = router;
        this.writer = writer;
        this.monitor = monitor;
        this.rollouts = rollouts;
        this.backend = backend;
        this.graceMillis = graceMillis;
    }

    /**
     * How the server ended.
     *
     * @param drained   true when every request in flight finished within the grace period
     * @param recorded  request metrics written to sam.db during the server's life
     * @param dropped   request metrics that could not be written
     */
    public record Shutdown(boolean drained, long recorded, long dropped) {
    }

    public ServeInfo info() {
        return info;
    }

    public int port() {
        return info.port();
    }

    /** The auto-rollback monitor (its loop runs only when rollback is enabled and the period is > 0). */
    public RollbackMonitor rollbackMonitor() {
        return monitor;
    }

    /** Waits until every request answered so far is in the metrics table (sam.db). */
    public void flushMetrics() {
        writer.flush();
    }

    /**
     * Blocks until SIGTERM or SIGINT (or {@link #requestStop()}); then the caller closes the server.
     * If signals cannot be caught, a shutdown hook closes it on the way out instead.
     */
    public void awaitShutdownSignal() throws InterruptedException {
        if (!StopSignals.install(this::requestStop)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "sam-serve-shutdown"));
        }
        stopRequested.await();
    }

    /** Makes {@link #awaitShutdownSignal()} return (the caller then stops the server). */
    public void requestStop() {
        stopRequested.countDown();
    }

    @Override
    public void close() {
        stop();
    }

    /** Graceful shutdown (idempotent); says how it went. */
    public synchronized Shutdown stop() {
        if (shutdown != null) {
            return shutdown;
        }
        stopRequested.countDown();
        boolean drained = false;
        try {
            drained = router.drain(graceMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        monitor.close();
        try {
            rollouts.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        writer.close();
        backend.close();
        shutdown = new Shutdown(drained, writer.written(), writer.dropped());
        LOG.info("sam serve stopped: {}", shutdown);
        return shutdown;
    }
}
