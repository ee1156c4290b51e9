package dev.sam.serve.chat;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.http.SseStream;
import dev.sam.serve.routing.Served;
import dev.sam.serve.routing.TrafficSplitter;
import dev.sam.serve.routing.VersionWatcher;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible: picks the version (the canary for its share of
 * requests, else the active one), names it in the {@code X-SAM-Version} header, generates with that
 * version's adapters on its base model, and answers with one {@code chat.completion} or, with
 * {@code "stream": true}, server-sent {@code chat.completion.chunk} events ending in {@code [DONE]}.
 * A generation failure is a 500 counted against the version (that is what the auto-rollback policy
 * watches); an engine that is not available at all is a 503 counted against no version.
 */
public final class ChatCompletionsHandler implements Handler {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChatBackend backend;
    private final VersionWatcher versions;
    private final TrafficSplitter splitter;
    private final int maxTokens;

    public ChatCompletionsHandler(ChatBackend backend, VersionWatcher versions, TrafficSplitter splitter, int maxTokens) {
        this.backend = backend;
        this.versions = versions;
        this.splitter = splitter;
        this.maxTokens = maxTokens;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        ChatRequest req = ChatRequest.parse(call.jsonBody(), maxTokens);
        Served v = splitter.pick(versions.current());
        call.servedBy(v.version());
        call.setHeader("X-SAM-Version", v.version());
        if (v.baseDir() == null) {
            if (v.isBase()) {
                call.servedBy(HttpCall.NO_VERSION);
                throw ApiError.unavailable("nothing to serve: " + v.problem());
            }
            throw new ApiError(500, v.version() + " cannot be served: " + v.problem());
        }
        long seed = req.seed() != null ? req.seed() : RANDOM.nextLong();
        var g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), req.messages(), req.maxTokens(),
                req.temperature(), req.topP(), seed);
        byte[] idBytes = new byte[12];
        RANDOM.nextBytes(idBytes);
        String id = "chatcmpl-" + HexFormat.of().formatHex(idBytes);
        long created = call.startMillis() / 1000;
        if (req.stream()) {
            stream(call, g, req, id, created);
        } else {
            complete(call, g, req, id, created);
        }
    }

    private void complete(HttpCall call, ChatBackend.Generation g, ChatRequest req, String id, long created)
            throws Exception {
        StopScanner text = new StopScanner(req.stop(), d -> true);
        ChatBackend.Completion c = generate(call, g, text);
        text.finish();
        call.tokens(c.completionTokens());
        String finish = text.stopped() ? "stop" : c.finishReason();
        call.respond(200, ChatResponses.Response.of(id, created, g.version(), text.text(), finish,
                ChatResponses.Usage.of(c.promptTokens(), c.completionTokens())));
    }

    /**
     * The stream opens with the first piece of text, so that a failure before any output is still a
     * plain JSON error; a failure after it ends the stream with an {@code error} event and no [DONE].
     * A client that goes away stops the generation; that is not the version's failure.
     */
    private void stream(HttpCall call, ChatBackend.Generation g, ChatRequest req, String id, long created)
            throws Exception {
        SseStream[] sse = new SseStream[1];
        boolean[] gone = new boolean[1];
        StopScanner text = new StopScanner(req.stop(), delta -> {
            try {
                open(call, sse, id, created, g.version());
                sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, g.version(),
                        new ChatResponses.Delta(null, delta), null)));
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
            if (sse[0] == null) {
                throw e;
            }
            call.markFailed();
            sse[0].data(Json.write(java.util.Map.of("error", java.util.Map.of("message",
                    "generation failed on " + g.version() + ": " + e.getMessage(), "type", "server_error"))));
            sse[0].close();
            return;
        }
        call.tokens(c.completionTokens());
        open(call, sse, id, created, g.version());
        String finish = text.stopped() ? "stop" : c.finishReason();
        sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, g.version(), new ChatResponses.Delta(null, null),
                finish)));
        if (req.includeUsage()) {
            sse[0].data(Json.write(ChatResponses.Chunk.usage(id, created, g.version(),
                    ChatResponses.Usage.of(c.promptTokens(), c.completionTokens()))));
        }
        sse[0].done();
        sse[0].close();
    }

    private static void open(HttpCall call, SseStream[] sse, String id, long created, String model) throws IOException {
        if (sse[0] == null) {
            sse[0] = SseStream.open(call);
            sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, model, new ChatResponses.Delta("assistant", ""),
                    null)));
        }
    }

    private ChatBackend.Completion generate(HttpCall call, ChatBackend.Generation g, ChatBackend.TextSink sink)
            throws Exception {
        try {
            return backend.generate(g, sink);
        } catch (BackendUnavailableException e) {
            call.servedBy(HttpCall.NO_VERSION);
            throw ApiError.unavailable(e.getMessage());
        } catch (ApiError e) {
            throw e;
        } catch (SamException e) {
            if (e.exitCode() == ExitCode.USAGE) {
                call.servedBy(HttpCall.NO_VERSION); // e.g. the prompt does not fit the context: the client's doing
                throw ApiError.badRequest(e.getMessage());
            }
            throw new ApiError(500, "generation failed on " + g.version() + ": " + e.getMessage());
        } catch (Exception e) {
            throw new ApiError(500, "generation failed on " + g.version() + ": " + e.getMessage());
        }
    }
}
