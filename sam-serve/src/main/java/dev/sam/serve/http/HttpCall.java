package dev.sam.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sam.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request and its answer: the request line and headers, the body (read at most once, never more
 * than the size limit), a JSON answer or a stream, and what the request metrics need to know (which
 * model version served it, how many tokens it generated, the status sent).
 *
 * <pre>JsonNode body = call.jsonBody(); call.respond(200, Map.of("success", true));</pre>
 */
public final class HttpCall {
    /** The version name recorded for requests that no model version served (status, metrics, errors). */
    public static final String NO_VERSION = "api";

    private final HttpExchange exchange;
    private final long maxBody;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private String endpoint = "unknown";
    private String version = NO_VERSION;
    private long tokens;
    private int status;
    private boolean failed;
    private byte[] body;
    private String responseId;

    public HttpCall(HttpExchange exchange, long maxBody) {
        this.exchange = exchange;
        this.maxBody = maxBody;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The path without query string. */
    public String path() {
        String p = exchange.getRequestURI().getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** First value of a request header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The request body, at most the size limit (a larger one is a 413). */
    public byte[] body() throws IOException {
        if (body == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (out.size() + n > maxBody) {
                        throw ApiError.tooLarge(maxBody);
                    }
                    out.write(buf, 0, n);
                }
            }
            body = out.toByteArray();
        }
        return body;
    }

    /** The body as a JSON object; an empty body is an empty object. Malformed JSON is a 400. */
    public JsonNode jsonBody() throws IOException {
        byte[] b = body();
        if (new String(b, StandardCharsets.UTF_8).isBlank()) {
            return Json.mapper().createObjectNode();
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(b);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON in the request body: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("the request body must be a JSON object");
        }
        return node;
    }

    public void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** Answers with {@code value} as JSON (snake_case keys, SAM's conventions). */
    public void respond(int status, Object value) throws IOException {
        byte[] bytes = (ApiJson.write(value) + "\n").getBytes(StandardCharsets.UTF_8);
        setHeader("Content-Type", "application/json; charset=utf-8");
        sendHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a streamed answer (chunked); the caller writes and closes the stream. */
    public OutputStream openStream(int status, String contentType) throws IOException {
        setHeader("Content-Type", contentType);
        setHeader("Cache-Control", "no-cache");
        sendHeaders(status, 0);
        return exchange.getResponseBody();
    }

    private void sendHeaders(int status, long length) throws IOException {
        if (this.status != 0) {
            throw new IllegalStateException("response already started with status " + this.status);
        }
        this.status = status;
        exchange.sendResponseHeaders(status, length); // 0 = chunked
    }

    /** True once the status line went out (then no error answer can follow). */
    public boolean responded() {
        return status != 0;
    }

    public int status() {
        return status;
    }

    /** Marks the request failed even though a 200 went out (a stream that broke off). */
    public void markFailed() {
        failed = true;
    }

    /** Succeeded: a 2xx/3xx status and no failure after the headers. */
    public boolean ok() {
        return status > 0 && status < 400 && !failed;
    }

    void endpoint(String name) {
        this.endpoint = name;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Records which model version served this request (for metrics and the auto-rollback policy). */
    public void servedBy(String version) {
        this.version = version;
    }

    public String version() {
        return version;
    }

    /** Names the answer this call gives, so that feedback can be posted against it (POST /api/feedback). */
    public void responseId(String id) {
        this.responseId = id;
    }

    /** The id of the answer this call gives; null for calls that generate nothing. */
    public String responseId() {
        return responseId;
    }

    public void tokens(long n) {
        this.tokens = n;
    }

    public long tokens() {
        return tokens;
    }

    public long startMillis() {
        return startMillis;
    }

    public double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    HttpExchange exchange() {
        return exchange;
    }
}
