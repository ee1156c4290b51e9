package dev.sam.serve.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: one {@code data: <json>\n\n} per chunk, flushed at once,
 * and {@code data: [DONE]\n\n} at the end (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 *
 * <pre>try (SseStream s = SseStream.open(call)) { s.data(json); s.done(); }</pre>
 */
public final class SseStream implements Closeable {
    private final OutputStream out;

    private SseStream(OutputStream out) {
        this.out = out;
    }

    public static SseStream open(HttpCall call) throws IOException {
        call.setHeader("X-Accel-Buffering", "no");
        return new SseStream(call.openStream(200, "text/event-stream; charset=utf-8"));
    }

    /** One event; {@code json} must be a single line (JSON without pretty printing is). */
    public void data(String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void done() throws IOException {
        data("[DONE]");
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
