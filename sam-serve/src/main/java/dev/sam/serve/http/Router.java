package dev.sam.serve.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches every request: security checks ({@link RequestGuard}), the route by exact path (404 for
 * an unknown path, 405 with {@code Allow} for a known path and another method), the token for
 * mutating routes, the handler, the error answer ({@link ErrorResponses}); then reports the finished
 * call (for request metrics) whatever happened.
 *
 * The server is bound before the routes exist (the Host check needs the bound port), so a router starts
 * empty and answers 503 until {@link #open} gives it its routes.
 *
 * <pre>Router r = new Router(); SamHttpServer.start(addr, 0, r, ...); r.open(routes, guard, metrics::record);</pre>
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();
    private volatile RequestGuard guard;
    private volatile Consumer<HttpCall> onComplete = call -> { };
    private final Object idle = new Object();
    private int inFlight;
    private volatile boolean draining;

    /** Starts serving {@code routes}; {@code onComplete} sees every finished call. */
    public void open(List<Route> routes, RequestGuard guard, Consumer<HttpCall> onComplete) {
        synchronized (byPath) {
            for (Route r : routes) {
                byPath.computeIfAbsent(r.path(), p -> new LinkedHashMap<>()).put(r.method(), r);
            }
        }
        this.onComplete = onComplete;
        this.guard = guard;
    }

    /** Answers one call; never throws (but rethrows a VirtualMachineError after answering 500). */
    public void handle(HttpCall call) {
        synchronized (idle) {
            inFlight++;
        }
        try {
            if (draining) {
                throw new ApiError(503, "sam serve is shutting down", java.util.Map.of("Connection", "close"), null);
            }
            RequestGuard guard = this.guard;
            if (guard == null) {
                throw ApiError.unavailable("sam serve is starting");
            }
            guard.checkHeaders(call);
            guard.checkHost(call);
            guard.checkOrigin(call);
            Route route = route(call);
            call.endpoint(route.name());
            if (route.needsToken()) {
                guard.checkToken(call);
            }
            guard.checkLength(call);
            route.handler().handle(call);
            if (!call.responded()) {
                throw new IllegalStateException("handler of " + route.path() + " sent no answer");
            }
        } catch (Throwable t) {
            ErrorResponses.send(call, t);
            if (t instanceof VirtualMachineError e) {
                throw e;
            }
        } finally {
            // Recorded (queued, cheap) before the exchange closes: once a client has its answer, the
            // request is in the metrics, so a following /api/metrics or auto-rollback check sees it.
            try {
                onComplete.accept(call);
            } catch (RuntimeException e) {
                LOG.warn("could not record the request metrics: {}", e.toString());
            }
            try {
                call.finish();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.debug("{} {}: could not finish the answer: {}", call.method(), call.path(), e.toString());
            }
            synchronized (idle) {
                inFlight--;
                idle.notifyAll();
            }
        }
    }

    /**
     * Refuses new requests (503) and waits up to {@code millis} for those in flight to finish; true
     * when none is left. (The JDK server's own stop(delay) cannot be used for this on Java 17: it
     * always waits the whole delay, JDK-8304065.)
     */
    public boolean drain(long millis) throws InterruptedException {
        draining = true;
        long deadline = System.currentTimeMillis() + millis;
        synchronized (idle) {
            while (inFlight > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                idle.wait(left);
            }
            return true;
        }
    }

    private Route route(HttpCall call) {
        String path = call.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Map<String, Route> methods = byPath.get(path);
        if (methods == null) {
            throw ApiError.notFound("no endpoint " + call.path() + " (see GET /api/self; endpoints: "
                    + String.join(", ", byPath.keySet()) + ")");
        }
        Route r = methods.get(call.method());
        if (r == null) {
            throw ApiError.methodNotAllowed(call.method(), path, methods.keySet().stream().collect(Collectors.joining(", ")));
        }
        return r;
    }
}
