package dev.sam.serve.http;

import dev.sam.core.SamException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever went wrong into an error answer with the right status: an {@link ApiError} as it
 * says; a {@link SamException} by its exit code (usage → 400, not ready → 409, failure → 500) with its
 * hint; anything else is a bug: 500 with one line, the stack trace goes to the log only. The body has
 * the shape the route's clients expect ({@link Dialect}): SAM's {@code {"success":false,"error":…}} on
 * its own routes, OpenAI's {@code {"error":{"message","type","param","code"}}} under {@code /v1/}
 * (https://platform.openai.com/docs/guides/error-codes), Ollama's {@code {"error":"…"}} on the Ollama
 * routes (ollama docs/api.md).
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** Who the route talks to, and so how its errors look. */
    public enum Dialect {
        SAM, OPENAI, OLLAMA;

        /** The dialect of a request path: /v1/* is OpenAI's, the Ollama routes Ollama's, the rest SAM's. */
        public static Dialect of(String path) {
            if (path.startsWith("/v1/") || path.equals("/v1")) {
                return OPENAI;
            }
            return OLLAMA_PATHS.contains(path.endsWith("/") ? path.substring(0, path.length() - 1) : path) ? OLLAMA
                    : SAM;
        }
    }

    /** The Ollama-compatible routes (their errors are Ollama-shaped). */
    public static final java.util.Set<String> OLLAMA_PATHS = java.util.Set.of("/api/tags", "/api/chat",
            "/api/generate", "/api/version", "/api/show");

    /** The status and body for {@code t} in the dialect of {@code path}. */
    public static Map.Entry<Integer, Map<String, Object>> of(Throwable t, String path) {
        var sam = of(t);
        Map<String, Object> body = sam.getValue();
        return switch (Dialect.of(path)) {
            case SAM -> sam;
            case OLLAMA -> Map.entry(sam.getKey(), Map.of("error", message(body)));
            case OPENAI -> Map.entry(sam.getKey(), openAi(t, sam.getKey(), message(body)));
        };
    }

    private static String message(Map<String, Object> samBody) {
        Object hint = samBody.get("hint");
        return samBody.get("error") + (hint == null ? "" : " (" + hint + ")");
    }

    /** {@code {"error":{"message","type","param","code"}}}, every key present as OpenAI sends them. */
    public static Map<String, Object> openAi(Throwable t, int status, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("type", switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        });
        e.put("param", t instanceof ApiError a ? a.param() : null);
        e.put("code", t instanceof ApiError a && a.code() != null ? a.code() : status == 401 ? "invalid_api_key"
                : null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e);
        return body;
    }

    /** The status and SAM-shaped body for {@code t}. */
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
        var e = of(t, call.path());
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
