package dev.sam.serve.http;

import java.util.Map;

/**
 * A request that cannot be served, with the HTTP status and the message for the client; for the
 * OpenAI-compatible routes also the request field at fault ({@code param}) and a machine-readable
 * {@code code} (e.g. "model_not_found"). {@link ErrorResponses} shapes it for the route's dialect; never
 * a stack trace.
 *
 * <pre>throw ApiError.badRequest("messages must be a non-empty list");</pre>
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;
    private final transient Map<String, Object> details;
    private final String param;
    private final String code;

    public ApiError(int status, String message, Map<String, String> headers, Map<String, Object> details) {
        this(status, message, headers, details, null, null);
    }

    private ApiError(int status, String message, Map<String, String> headers, Map<String, Object> details,
                     String param, String code) {
        super(message);
        this.status = status;
        this.param = param;
        this.code = code;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.details = details == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public ApiError(int status, String message) {
        this(status, message, null, null);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    /** A 400 naming the request field at fault and, when there is one, OpenAI's error code for it. */
    public static ApiError badParam(String param, String code, String message) {
        return new ApiError(400, message, null, null, param, code);
    }

    /** The {@code model} of a request names nothing this server serves (OpenAI answers 404 model_not_found). */
    public static ApiError modelNotFound(String message) {
        return new ApiError(404, message, null, null, "model", "model_not_found");
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, message, Map.of("WWW-Authenticate", "Bearer realm=\"sam\""), null);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    public static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, method + " is not allowed on " + path + " (use " + allowed + ")",
                Map.of("Allow", allowed), null);
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "request body larger than " + limit + " bytes (serve.max_body_bytes)",
                Map.of("Connection", "close"), null);
    }

    /** The body did not arrive in time (a client trickling bytes holds a connection otherwise). */
    public static ApiError bodyTimeout(long millis) {
        return new ApiError(408, "the request body did not arrive within " + millis / 1000 + " s"
                + " (serve.limits.body_timeout_seconds)", Map.of("Connection", "close"), null);
    }

    /** The service cannot answer now (busy, no engine); the client may retry later. */
    public static ApiError unavailable(String message) {
        return new ApiError(503, message, Map.of("Retry-After", "5"), null);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable error code, or null. */
    public String code() {
        return code;
    }

    /** Extra keys of the error body (e.g. the running run id of a 409). */
    public Map<String, Object> details() {
        return details;
    }
}
