package dev.sam.serve.http;

import java.util.Map;

/**
 * A request that cannot be served, with the HTTP status and the message for the client. The router
 * answers it as {@code {"success":false,"error":message}} (plus {@code details} when given); never a
 * stack trace.
 *
 * <pre>throw ApiError.badRequest("messages must be a non-empty list");</pre>
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;
    private final transient Map<String, Object> details;

    public ApiError(int status, String message, Map<String, String> headers, Map<String, Object> details) {
        super(message);
        this.status = status;
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

    /** Extra keys of the error body (e.g. the running run id of a 409). */
    public Map<String, Object> details() {
        return details;
    }
}
