package dev.sam.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sam.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One request and its answer: the request line and headers, the body (read at most once, never more
 * than the size limit), a JSON answer or a stream, and what the request metrics need to know (which
 * model version served it, how many tokens it generated, the status sent).
 *
 * The request arrives through Jetty ({@link JettyAdapter}); this class is the only one that touches its
 * request and response, so the handlers never see the server library.
 *
 * <pre>JsonNode body = call.jsonBody(); call.respond(200, Map.of("success", true));</pre>
 */
public final class HttpCall {
    /** The version name recorded for requests that no model version served (status, metrics, errors). */
    public static final String NO_VERSION = "api";

    /** One JSON value and nothing after it: {@code {"a":1} x} is malformed, not {@code {"a":1}}. */
    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Request request;
    private final Response response;
    private final long maxBody;
    private final long bodyTimeoutMillis;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private String endpoint = "unknown";
    private String version = NO_VERSION;
    private long tokens;
    private int status;
    private boolean failed;
    private byte[] body;
    private OutputStream out;
    private byte[] pending;
    private dev.sam.core.store.RequestRecord.Service service;
    private String responseId;

    /**
     * @param bodyTimeoutMillis the whole body must arrive within this time from the start of the request
     *                          (a client trickling a byte now and then is cut off: 408)
     */
    public HttpCall(Request request, Response response, long maxBody, long bodyTimeoutMillis) {
        this.request = request;
        this.response = response;
        this.maxBody = maxBody;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
    }

    public String method() {
        return request.getMethod();
    }

    /** The path without query string. */
    public String path() {
        String p = request.getHttpURI().getPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** First value of a request header, or null. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** How many times the request carries header {@code name}. */
    public int headerCount(String name) {
        return request.getHeaders().getValuesList(name).size();
    }

    /** The client's IP address. */
    public String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    /** The request body, at most the size limit (a larger one is a 413), within the body timeout (408). */
    public byte[] body() throws IOException {
        if (body == null) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (buffer.size() + n > maxBody) {
                        throw ApiError.tooLarge(maxBody);
                    }
                    buffer.write(buf, 0, n);
                    if (elapsedMs() > bodyTimeoutMillis) {
                        throw ApiError.bodyTimeout(bodyTimeoutMillis);
                    }
                }
            }
            body = buffer.toByteArray();
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
            node = STRICT.readTree(b);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON in the request body: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("the request body must be a JSON object");
        }
        return node;
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /**
     * Answers with {@code value} as JSON (snake_case keys, SAM's conventions). The body goes out in
     * {@link #finish}, after the router has recorded the call: a client that has its answer can count on
     * the request being in the metrics (a JSON answer with a Content-Length is complete for the client
     * as soon as its last byte is written, so writing it here would race the recording).
     */
    public void respond(int status, Object value) throws IOException {
        byte[] bytes = (ApiJson.write(value) + "\n").getBytes(StandardCharsets.UTF_8);
        setHeader("Content-Type", "application/json; charset=utf-8");
        sendHeaders(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        pending = bytes;
    }

    /**
     * Starts a streamed answer (chunked, each flush sends what was written). The caller closes the
     * stream when done; that flushes, and the last chunk goes out in {@link #finish}, after the call is
     * recorded (as for {@link #respond}).
     */
    public OutputStream openStream(int status, String contentType) throws IOException {
        setHeader("Content-Type", contentType);
        setHeader("Cache-Control", "no-cache");
        sendHeaders(status);
        out = Content.Sink.asOutputStream(response);
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    private void sendHeaders(int status) {
        if (this.status != 0) {
            throw new IllegalStateException("response already started with status " + this.status);
        }
        this.status = status;
        response.setStatus(status);
    }

    /** Ends the answer: sends a held JSON body, or closes the stream (the last chunk goes out). */
    void finish() throws IOException {
        if (pending != null) {
            byte[] bytes = pending;
            pending = null;
            try (OutputStream o = Content.Sink.asOutputStream(response)) {
                o.write(bytes);
            }
        } else if (out != null) {
            out.close();
        }
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

    /** How the generation of this call spent its time (for the auto-rollback policy's latency judgement). */
    public void service(dev.sam.core.store.RequestRecord.Service s) {
        this.service = s;
    }

    /** Null when the call generated nothing. */
    public dev.sam.core.store.RequestRecord.Service service() {
        return service;
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
}
