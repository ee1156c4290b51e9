package dev.sam.serve.metrics;

import dev.sam.core.store.Database;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes request metrics to SQLite ({@link RequestMetricsRepository#insert}) off the request threads: requests enqueue a record (never block on
 * the database); one writer thread inserts whatever is queued in one transaction every
 * {@code intervalMillis}. {@link #flush()} waits until everything recorded before it is written (the
 * auto-rollback monitor reads fresh numbers; shutdown loses nothing). A full queue (the database is
 * stuck) drops records and counts them rather than growing without bound.
 *
 * <pre>try (MetricsWriter w = MetricsWriter.start(db, 100)) { w.record(r); w.flush(); }</pre>
 */
public final class MetricsWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsWriter.class);
    private static final int CAPACITY = 100_000;
    private final Database db;
    private final RequestMetricsRepository repository;
    private final long intervalMillis;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    private MetricsWriter(Database db, long intervalMillis) {
        this.db = db;
        this.repository = new RequestMetricsRepository(db);
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::run, "sam-serve-metrics");
        thread.setDaemon(true);
    }

    public static MetricsWriter start(Database db, long intervalMillis) {
        MetricsWriter w = new MetricsWriter(db, intervalMillis);
        w.thread.start();
        return w;
    }

    public void record(RequestRecord r) {
        if (closed || !queue.offer(r)) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warn("request metrics are not being written fast enough: {} dropped so far", dropped.get());
            }
        }
    }

    /** Blocks until every record queued before this call is in the database (at most 30 s). */
    public void flush() {
        if (closed) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        try {
            if (queue.offer(done, 5, TimeUnit.SECONDS)) {
                done.await(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Object first = queue.poll(intervalMillis, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                write(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    queue.drainTo(batch);
                    write(batch);
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("writing request metrics failed", e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Inserts the records of the batch, then releases the flushes that were queued among them. */
    private void write(List<Object> batch) {
        List<RequestRecord> rows = new ArrayList<>();
        List<CountDownLatch> flushes = new ArrayList<>();
        for (Object o : batch) {
            if (o instanceof RequestRecord r) {
                rows.add(r);
            } else if (o instanceof CountDownLatch l) {
                flushes.add(l);
            }
        }
        try {
            if (!rows.isEmpty()) {
                repository.insert(rows);
                written.addAndGet(rows.size());
            }
        } catch (RuntimeException e) {
            dropped.addAndGet(rows.size());
            LOG.error("could not write {} request metrics to {}: {}", rows.size(), db.file(), e.getMessage());
        } finally {
            flushes.forEach(CountDownLatch::countDown);
        }
    }

    /** Writes what is queued and stops the writer thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
