package dev.sam.serve.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty itself gives — a request it cannot parse (bad Content-Length, two Host headers, a
 * head too large), before any SAM handler runs — in SAM's JSON error shape for the route's dialect
 * ({@link ErrorResponses}), never an HTML page or a Java class name.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        byte[] bytes = body(code, message, path == null || path.isEmpty() ? "/" : path);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        return ByteBuffer.wrap(body(status, reason, "/"));
    }

    private static byte[] body(int code, String message, String path) {
        String text = (message == null || message.isBlank() ? HttpStatus.getMessage(code) : message);
        var e = ErrorResponses.of(new ApiError(code, "bad HTTP request: " + text), path);
        return (ApiJson.write(e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
