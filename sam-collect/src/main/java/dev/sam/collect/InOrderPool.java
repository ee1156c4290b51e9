package dev.sam.collect;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The parallel part of a source: batches of items are worked on by a pool (diffing, reading, scrubbing,
 * hashing) while the calling thread consumes the results strictly in item order (dedup and storage are
 * order-dependent and single-threaded). A bounded window of batches in flight keeps the workers busy while
 * the caller stores, without holding a whole history in memory.
 *
 * <pre>try (InOrderPool pool = InOrderPool.forCpus("sam-commits")) { pool.run(commits, 16, this::work, this::store); }</pre>
 */
public final class InOrderPool implements AutoCloseable {
    /** Work on one batch, on a pool thread. */
    @FunctionalInterface
    public interface Work<T, R> {
        List<R> apply(List<T> batch) throws IOException;
    }

    /** The results of one batch, on the calling thread, in order. */
    @FunctionalInterface
    public interface Sink<T, R> {
        void accept(List<T> batch, List<R> results) throws IOException;
    }

    private final ExecutorService pool;
    private final int window;

    private InOrderPool(ExecutorService pool, int window) {
        this.pool = pool;
        this.window = window;
    }

    /** One worker per available core (at most 4: JGit's pack reading does not scale further), daemon threads. */
    public static InOrderPool forCpus(String name) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new InOrderPool(Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }), threads * 4);
    }

    public <T, R> void run(List<T> items, int batch, Work<T, R> work, Sink<T, R> sink) throws IOException {
        Deque<Future<List<R>>> inFlight = new ArrayDeque<>();
        Deque<List<T>> batches = new ArrayDeque<>();
        int next = 0;
        try {
            while (next < items.size() || !inFlight.isEmpty()) {
                while (inFlight.size() < window && next < items.size()) {
                    List<T> part = items.subList(next, Math.min(items.size(), next + batch));
                    inFlight.add(pool.submit(() -> work.apply(part)));
                    batches.add(part);
                    next += part.size();
                }
                List<R> results = inFlight.poll().get();
                sink.accept(batches.poll(), results);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c);
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
