package dev.sam.serve.chat;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.ModelSelector;
import dev.sam.serve.routing.Served;
import dev.sam.serve.routing.VersionWatcher;
import java.io.IOException;
import java.util.List;

/**
 * What every generating route shares (OpenAI chat and completions, Ollama chat and generate): the
 * version a request's {@code model} selects, named in the {@code X-SAM-Version} header and recorded for
 * the metrics; generation with stop sequences; failures mapped to statuses (a generation failure is a
 * 500 counted against the version — what the auto-rollback policy watches; an engine that is not
 * available at all is a 503 counted against no version; a prompt too long is the client's 400); and a
 * streamed answer that opens with the first piece of text, so that a failure before any output is
 * still a plain error answer, while one after it ends the stream with the dialect's error event.
 *
 * Every answer has an id ({@link #responseId}: in the body where the dialect has one, always in the
 * {@code X-SAM-Response-Id} header) and is handed to the {@link AnswerLog} once complete, so that feedback
 * posted with that id counts for the version that gave it.
 *
 * <pre>Served v = gens.select(call, req.model()); Generations.Result r = gens.complete(call, g, req.stop());</pre>
 */
public final class Generations {
    /** The response header naming the answer's id (what POST /api/feedback takes). */
    public static final String RESPONSE_ID_HEADER = "X-SAM-Response-Id";

    private final ChatBackend backend;
    private final VersionWatcher versions;
    private final ModelSelector selector;
    /** Generations running now (each uses every core, so they slow each other down). */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final AnswerLog answers;

    /** Where complete answers go (sam serve: the A/B outcome store). */
    @FunctionalInterface
    public interface AnswerLog {
        void record(HttpCall call, ChatBackend.Generation g, String answer);
    }

    public Generations(ChatBackend backend, VersionWatcher versions, ModelSelector selector) {
        this(backend, versions, selector, (call, g, answer) -> { });
    }

    public Generations(ChatBackend backend, VersionWatcher versions, ModelSelector selector, AnswerLog answers) {
        this.backend = backend;
        this.versions = versions;
        this.selector = selector;
        this.answers = answers;
    }

    /** A new id for this call's answer ({@code prefix} + 24 hex digits), also sent in {@link #RESPONSE_ID_HEADER}. */
    public String responseId(HttpCall call, String prefix) {
        String id = ChatCompletionsHandler.newId(prefix);
        call.responseId(id);
        call.setHeader(RESPONSE_ID_HEADER, id);
        return id;
    }

    /** The text after stop sequences, the engine's counts, and OpenAI's finish reason ("stop" or "length"). */
    public record Result(String text, ChatBackend.Completion completion, String finishReason) {
    }

    /** How a streamed answer is written (SSE chunks, NDJSON lines). Called on the request's thread. */
    public interface Events {
        /** Sends the status line and any opening event; called once, before the first text. */
        void open() throws IOException;

        void text(String delta) throws IOException;

        /** Generation failed after the stream opened. */
        void fail(String message) throws IOException;

        void end(Result r) throws IOException;
    }

    /** The served version for {@code model}; 404 when unknown, 503/500 when it cannot be served. */
    public Served select(HttpCall call, String model) {
        Served v = selector.select(versions.current(), model);
        call.servedBy(v.version());
        call.setHeader("X-SAM-Version", v.version());
        if (v.baseDir() == null) {
            if (v.isBase()) {
                call.servedBy(HttpCall.NO_VERSION);
                throw ApiError.unavailable("nothing to serve: " + v.problem());
            }
            throw new ApiError(500, v.version() + " cannot be served: " + v.problem());
        }
        return v;
    }

    /** The whole answer at once. */
    public Result complete(HttpCall call, ChatBackend.Generation g, List<String> stop) throws Exception {
        StopScanner text = new StopScanner(stop, d -> true);
        ChatBackend.Completion c = generate(call, g, text);
        text.finish();
        call.tokens(c.completionTokens());
        answers.record(call, g, text.text());
        return new Result(text.text(), c, text.stopped() ? "stop" : c.finishReason());
    }

    /** A streamed answer; a client that goes away stops the generation, which is not the version's failure. */
    public void stream(HttpCall call, ChatBackend.Generation g, List<String> stop, Events events) throws Exception {
        boolean[] opened = new boolean[1];
        boolean[] gone = new boolean[1];
        StopScanner text = new StopScanner(stop, delta -> {
            try {
                if (!opened[0]) {
                    events.open();
                    opened[0] = true;
                }
                events.text(delta);
                return true;
            } catch (IOException e) {
                gone[0] = true;
                return false;
            }
        });
        ChatBackend.Completion c;
        try {
            c = generate(call, g, text);
            if (gone[0]) {
                return;
            }
            text.finish();
        } catch (Exception e) {
            if (gone[0]) {
                return;
            }
            if (!opened[0]) {
                throw e;
            }
            call.markFailed();
            events.fail(e.getMessage());
            return;
        }
        call.tokens(c.completionTokens());
        answers.record(call, g, text.text());
        if (!opened[0]) {
            events.open();
        }
        events.end(new Result(text.text(), c, text.stopped() ? "stop" : c.finishReason()));
    }

    private ChatBackend.Completion generate(HttpCall call, ChatBackend.Generation g, ChatBackend.TextSink sink)
            throws Exception {
        ServiceTimer timer = new ServiceTimer(sink, inFlight, call.elapsedMs());
        int promptTokens = 0;
        try {
            ChatBackend.Completion c = backend.generate(g, timer);
            promptTokens = c.promptTokens();
            return c;
        } catch (BackendUnavailableException e) {
            call.servedBy(HttpCall.NO_VERSION);
            throw ApiError.unavailable(e.getMessage());
        } catch (ApiError e) {
            throw e;
        } catch (SamException e) {
            if (e.exitCode() == ExitCode.USAGE) {
                call.servedBy(HttpCall.NO_VERSION); // e.g. the prompt does not fit the context: the client's doing
                throw ApiError.badRequest(e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
            }
            throw new ApiError(500, "generation failed on " + g.version() + ": " + e.getMessage());
        } catch (Exception e) {
            throw new ApiError(500, "generation failed on " + g.version() + ": " + e.getMessage());
        } finally {
            timer.end();
            call.service(timer.service(promptTokens, ServiceTimer.promptHash(g)));
        }
    }
}
