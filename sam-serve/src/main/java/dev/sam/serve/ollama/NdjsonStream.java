package dev.sam.serve.ollama;

import dev.sam.serve.http.ApiJson;
import dev.sam.serve.http.HttpCall;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Ollama's streamed answer: one JSON object per line ({@code application/x-ndjson}), flushed at once. */
final class NdjsonStream implements Closeable {
    private final OutputStream out;

    private NdjsonStream(OutputStream out) {
        this.out = out;
    }

    static NdjsonStream open(HttpCall call) throws IOException {
        call.setHeader("X-Accel-Buffering", "no");
        return new NdjsonStream(call.openStream(200, "application/x-ndjson"));
    }

    void line(Object value) throws IOException {
        out.write((ApiJson.write(value) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
