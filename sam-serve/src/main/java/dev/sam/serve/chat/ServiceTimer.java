package dev.sam.serve.chat;

import dev.sam.core.json.Json;
import dev.sam.core.store.RequestRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times one generation for the auto-rollback policy (docs/user-guide.md, "Automatic rollback"): wraps the
 * text sink, so it sees when the backend got its slot ({@link ChatBackend.TextSink#started}; the time before
 * is the wait: reading the request and queueing for a slot) and when the first text came (time to first token: tokenizing, template and prefill), and
 * counts the generations running at once. A backend that never reports its start is taken to start when it
 * is called.
 *
 * <pre>ServiceTimer t = new ServiceTimer(sink, inFlight, call.elapsedMs()); backend.generate(g, t); call.service(t.service(c.promptTokens(), hash));</pre>
 */
final class ServiceTimer implements ChatBackend.TextSink {
    private final ChatBackend.TextSink sink;
    private final AtomicInteger inFlight;
    private final double sinceArrivalMs;
    private final long calledNanos = System.nanoTime();
    private long startedNanos;
    private long firstTextNanos;
    private long endNanos;
    private int inFlightAtStart;

    /** {@code sinceArrivalMs}: how long ago the request arrived (its reading and parsing are not the version's). */
    ServiceTimer(ChatBackend.TextSink sink, AtomicInteger inFlight, double sinceArrivalMs) {
        this.sink = sink;
        this.inFlight = inFlight;
        this.sinceArrivalMs = sinceArrivalMs;
    }

    @Override
    public void started() {
        if (startedNanos == 0) {
            startedNanos = System.nanoTime();
            inFlightAtStart = inFlight.incrementAndGet();
        }
    }

    @Override
    public boolean accept(String delta) throws java.io.IOException {
        if (firstTextNanos == 0) {
            if (startedNanos == 0) { // a backend that does not report its start: no queueing
                startedNanos = calledNanos;
                inFlightAtStart = inFlight.incrementAndGet();
            }
            firstTextNanos = System.nanoTime();
        }
        return sink.accept(delta);
    }

    /** Ends the generation's share of the in-flight count. */
    void end() {
        endNanos = System.nanoTime();
        if (startedNanos != 0) {
            inFlight.decrementAndGet();
        }
    }

    /** The timing as recorded; {@code promptTokens} from the engine (0 when unknown). */
    RequestRecord.Service service(int promptTokens, String promptHash) {
        long start = startedNanos == 0 ? calledNanos : startedNanos;
        Double ttft = firstTextNanos == 0 ? null : (firstTextNanos - start) / 1e6;
        Double decode = firstTextNanos == 0 ? null : (Math.max(endNanos, firstTextNanos) - firstTextNanos) / 1e6;
        return new RequestRecord.Service(promptTokens, sinceArrivalMs + (start - calledNanos) / 1e6, ttft, decode,
                Math.max(1, inFlightAtStart), promptHash);
    }

    /** 16 hex digits of the SHA-256 of what the model is asked: same prompt, same hash. */
    static String promptHash(ChatBackend.Generation g) {
        String text = g.isChat() ? Json.write(g.messages()) : g.rawPrompt();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
