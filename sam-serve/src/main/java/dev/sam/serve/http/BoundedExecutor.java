package dev.sam.serve.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request threads of the HTTP server: a fixed number of workers and a bounded queue, so that a
 * flood of connections cannot grow threads or memory without limit. When the queue is full the JDK
 * server closes the new connection (its dispatcher catches the rejection), and the client can retry.
 */
public final class BoundedExecutor {
    private BoundedExecutor() {
    }

    public static ThreadPoolExecutor create(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "sam-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), f,
                new ThreadPoolExecutor.AbortPolicy());
    }
}
