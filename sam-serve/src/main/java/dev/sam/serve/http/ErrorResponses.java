package dev.sam.serve.http;

import dev.sam.core.SamException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever went wrong into {@code {"success":false,"error":…}} with the right status: an
 * {@link ApiError} as it says; a {@link SamException} by its exit code (usage → 400, not ready → 409,
 * failure → 500) with its hint; anything else is a bug: 500 with one line, the stack trace goes to
 * the log only.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** The status and body for {@code t}. */
    public static Map.Entry<Integer, Map<String, Object>> of(Throwable t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        int status;
        if (t instanceof ApiError e) {
            status = e.status();
            body.put("error", e.getMessage());
            body.putAll(e.details());
        } else if (t instanceof SamException e) {
            status = switch (e.exitCode()) {
                case USAGE -> 400;
                case NOT_READY -> 409;
                default -> 500;
            };
            body.put("error", e.getMessage());
            if (e.hint() != null) {
                body.put("hint", e.hint());
            }
        } else {
            status = 500;
            body.put("error", "internal error: " + t.getClass().getSimpleName()
                    + " (details in SAM_HOME/logs/sam.log)");
        }
        return Map.entry(status, body);
    }

    /** Answers the call with the error unless a response already started (then it is only logged). */
    public static void send(HttpCall call, Throwable t) {
        if (t instanceof ApiError || t instanceof SamException) {
            LOG.debug("{} {} -> {}", call.method(), call.path(), t.getMessage());
        } else if (t instanceof IOException) {
            LOG.debug("{} {}: connection problem: {}", call.method(), call.path(), t.toString());
        } else {
            LOG.error("{} {} failed", call.method(), call.path(), t);
        }
        if (call.responded()) {
            call.markFailed();
            return;
        }
        var e = of(t);
        if (t instanceof ApiError a) {
            a.headers().forEach(call::setHeader);
        }
        try {
            call.respond(e.getKey(), e.getValue());
        } catch (IOException | RuntimeException io) {
            LOG.debug("could not send the error answer: {}", io.toString());
        }
    }
}
