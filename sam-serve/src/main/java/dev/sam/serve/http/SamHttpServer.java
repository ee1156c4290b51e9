package dev.sam.serve.http;

import dev.sam.core.config.SamConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTP server of {@code sam serve}: Jetty 12 (https://jetty.org/docs/jetty/12/) over non-blocking I/O, so a
 * connection waiting for bytes holds no thread, with the limits of {@code serve.limits}
 * (docs/user-guide.md, "Timeouts and limits"):
 * <ul>
 * <li>request head: complete within the header timeout of its first byte ({@link ConnectionGuard}), at most
 *     16 KiB (431 beyond);</li>
 * <li>body: within the body timeout of the request's start ({@link HttpCall#body}), at most
 *     {@code serve.max_body_bytes} (413);</li>
 * <li>idle connection: closed after the idle timeout; a read or write that stalls that long fails;</li>
 * <li>connections: at most {@code max_connections} in all (Jetty's {@link NetworkConnectionLimit} stops
 *     accepting), at most {@code max_connections_per_client} from one IP address;</li>
 * <li>requests are parsed strictly (RFC 9110: a bad or repeated Content-Length, two Host headers → 400, in
 *     SAM's JSON by {@link JsonErrorHandler});</li>
 * <li>{@code threads} request threads; requests waiting for one are bounded by the connection limit.</li>
 * </ul>
 *
 * <pre>SamHttpServer s = SamHttpServer.start(addr, 8765, router, serve, 16); s.port(); s.stop();</pre>
 */
public final class SamHttpServer {
    /** Jetty's threads besides the request threads: the acceptor, the selector and a spare. */
    private static final int IO_THREADS = 4;

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;

    private SamHttpServer(Server server, ServerConnector connector, ConnectionGuard guard) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
    }

    /** Binds and starts; an IOException (a {@link java.net.BindException} when the port is taken) if it cannot. */
    public static SamHttpServer start(InetAddress addr, int port, Router router, SamConfig.Serve serve, int threads)
            throws IOException {
        SamConfig.Serve.Limits limits = serve.limits();
        // Jetty's queue must stay unbounded (its own tasks go there too); the requests in it are bounded by
        // the connection limit, as an HTTP/1.1 connection has one request in flight at a time.
        QueuedThreadPool pool = new QueuedThreadPool(threads + IO_THREADS, Math.min(4, threads + IO_THREADS));
        pool.setName("sam-serve");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(16 * 1024);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        HttpConnectionFactory factory = new HttpConnectionFactory(http);
        ServerConnector connector = new ServerConnector(server, 1, 1, factory);
        connector.setHost(addr.getHostAddress());
        connector.setPort(port);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds()));
        ConnectionGuard guard = new ConnectionGuard(limits.maxConnectionsPerClient(),
                TimeUnit.SECONDS.toMillis(limits.headerTimeoutSeconds()), System::currentTimeMillis);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new JettyAdapter(router, serve.maxBodyBytes(),
                TimeUnit.SECONDS.toMillis(limits.bodyTimeoutSeconds())));
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            if (e.getCause() instanceof java.net.BindException b) {
                throw b; // Jetty wraps it: "Failed to bind to ..."
            }
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException(e.getMessage(), e);
        }
        long sweepMillis = Math.max(50, Math.min(500, TimeUnit.SECONDS.toMillis(limits.headerTimeoutSeconds()) / 4));
        SamHttpServer s = new SamHttpServer(server, connector, guard);
        s.scheduleSweep(server.getScheduler(), sweepMillis);
        return s;
    }

    private void scheduleSweep(Scheduler scheduler, long millis) {
        scheduler.schedule(() -> {
            if (server.isRunning()) {
                guard.sweep(connector.getConnectedEndPoints());
                scheduleSweep(scheduler, millis);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** The bound port (the chosen one when 0 was asked). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Closes the listener and every connection (requests still running are cut off). */
    public void stop() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(SamHttpServer.class).warn("stopping the HTTP server: {}", e.toString());
        }
    }
}
