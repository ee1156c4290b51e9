package dev.sam.serve.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two defences against clients that hold connections (slowloris, CVE-2007-6750 for Apache httpd) that Jetty
 * does not ship: at most {@code perClient} open connections per IP address (the next one is closed as soon
 * as it opens), and a deadline for the request head — a new connection must have sent its first request head,
 * and a head once begun must be complete, within {@code headerTimeoutMillis}, however slowly the bytes trickle
 * in (an idle timeout alone is reset by every byte). {@link #sweep} runs every few hundred milliseconds and closes the connections over the
 * deadline, as Apache's mod_reqtimeout does.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int perClient;
    private final long headerTimeoutMillis;
    private final LongSupplier clock;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    /** The connections counted in {@link #open}, each with its address (counted once, released once). */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    /** Connection → when its current, incomplete request head was first seen (and which request it was). */
    private final Map<EndPoint, long[]> heads = new ConcurrentHashMap<>();

    ConnectionGuard(int perClient, long headerTimeoutMillis, LongSupplier clock) {
        this.perClient = perClient;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.clock = clock;
    }

    @Override
    public void onOpened(Connection c) {
        InetAddress ip = ip(c.getEndPoint());
        if (ip == null) {
            return;
        }
        boolean admitted;
        synchronized (open) {
            AtomicInteger n = open.computeIfAbsent(ip, k -> new AtomicInteger());
            admitted = n.get() < perClient;
            if (admitted) {
                n.incrementAndGet();
                counted.put(c, ip);
            }
        }
        if (!admitted) {
            LOG.warn("closing a connection from {}: it has {} open (serve.limits.max_connections_per_client)", ip,
                    perClient);
            c.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection c) {
        heads.remove(c.getEndPoint());
        InetAddress ip = counted.remove(c);
        if (ip != null) {
            synchronized (open) {
                AtomicInteger n = open.get(ip);
                if (n != null && n.decrementAndGet() <= 0) {
                    open.remove(ip);
                }
            }
        }
    }

    /** Closes every connection whose request head has taken longer than the header timeout; returns how many. */
    int sweep(Iterable<EndPoint> endPoints) {
        long now = clock.getAsLong();
        int closed = 0;
        for (EndPoint e : endPoints) {
            if (!(e.getConnection() instanceof HttpConnection h)) {
                continue;
            }
            HttpParser.State state = h.getParser().getState();
            long request = h.getMessagesIn();
            // a head under way, or a new connection that has not sent its first request yet (between two
            // requests a kept-alive connection waits under the idle timeout instead)
            boolean inHead = state == HttpParser.State.START ? request == 0 : h.getParser().inHeaderState();
            if (!inHead) {
                heads.remove(e);
                continue;
            }
            long[] seen = heads.compute(e, (k, v) -> v != null && v[1] == request ? v : new long[] {now, request});
            if (now - seen[0] > headerTimeoutMillis) {
                LOG.info("closing a connection from {}: its request head did not arrive within {} ms"
                        + " (serve.limits.header_timeout_seconds)", e.getRemoteSocketAddress(), headerTimeoutMillis);
                heads.remove(e);
                e.close();
                closed++;
            }
        }
        return closed;
    }

    /** Open connections from {@code ip} (for tests and /api/self). */
    int open(InetAddress ip) {
        AtomicInteger n = open.get(ip);
        return n == null ? 0 : n.get();
    }

    private static InetAddress ip(EndPoint e) {
        return e.getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}
