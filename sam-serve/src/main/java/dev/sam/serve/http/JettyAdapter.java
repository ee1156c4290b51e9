package dev.sam.serve.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Hands each Jetty request to the {@link Router} as an {@link HttpCall}. Blocking handler (Jetty runs it
 * on a pool thread, where reading the body and generating may block). While the handler runs, an idle
 * connection is not a reason to fail it: a non-streamed generation may compute for minutes without I/O;
 * a stalled read or write still times out (Jetty fails the pending operation).
 */
final class JettyAdapter extends Handler.Abstract {
    private final Router router;
    private final long maxBody;
    private final long bodyTimeoutMillis;

    JettyAdapter(Router router, long maxBody, long bodyTimeoutMillis) {
        super(InvocationType.BLOCKING);
        this.router = router;
        this.maxBody = maxBody;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        request.addIdleTimeoutListener(timeout -> false);
        router.handle(new HttpCall(request, response, maxBody, bodyTimeoutMillis));
        callback.succeeded();
        return true;
    }
}
