package dev.sam.serve.chat;

import dev.sam.core.json.Json;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.ApiJson;
import dev.sam.serve.http.ErrorResponses;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.http.SseStream;
import dev.sam.serve.routing.Served;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible: the version the request's {@code model} selects
 * ({@link Generations#select}: by default the canary for its share of requests, else the active one),
 * generated with that version's adapters on its base model, answered with one {@code chat.completion}
 * or, with {@code "stream": true}, server-sent {@code chat.completion.chunk} events ending in
 * {@code [DONE]} (a failure after the first chunk ends the stream with an {@code error} event, no [DONE]).
 */
public final class ChatCompletionsHandler implements Handler {
    static final SecureRandom RANDOM = new SecureRandom();

    private final Generations generations;
    private final int maxTokens;

    public ChatCompletionsHandler(Generations generations, int maxTokens) {
        this.generations = generations;
        this.maxTokens = maxTokens;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        ChatRequest req = ChatRequest.parse(call.jsonBody(), maxTokens);
        Served v = generations.select(call, req.model());
        long seed = req.seed() != null ? req.seed() : RANDOM.nextLong();
        var g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), req.messages(), req.maxTokens(),
                req.temperature(), req.topP(), seed);
        String id = generations.responseId(call, "chatcmpl-");
        long created = call.startMillis() / 1000;
        if (!req.stream()) {
            Generations.Result r = generations.complete(call, g, req.stop());
            call.respond(200, ChatResponses.Response.of(id, created, g.version(), r.text(), r.finishReason(),
                    ChatResponses.Usage.of(r.completion().promptTokens(), r.completion().completionTokens())));
            return;
        }
        SseStream[] sse = new SseStream[1];
        generations.stream(call, g, req.stop(), new Generations.Events() {
            @Override
            public void open() throws IOException {
                sse[0] = SseStream.open(call);
                sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, g.version(),
                        new ChatResponses.Delta("assistant", ""), null)));
            }

            @Override
            public void text(String delta) throws IOException {
                sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, g.version(),
                        new ChatResponses.Delta(null, delta), null)));
            }

            @Override
            public void fail(String message) throws IOException {
                streamError(sse[0], message);
            }

            @Override
            public void end(Generations.Result r) throws IOException {
                sse[0].data(Json.write(ChatResponses.Chunk.of(id, created, g.version(),
                        new ChatResponses.Delta(null, null), r.finishReason())));
                if (req.includeUsage()) {
                    sse[0].data(Json.write(ChatResponses.Chunk.usage(id, created, g.version(), ChatResponses.Usage.of(
                            r.completion().promptTokens(), r.completion().completionTokens()))));
                }
                sse[0].done();
                sse[0].close();
            }
        });
    }

    /** The last event of a stream that broke off: an OpenAI-shaped error, no [DONE]. */
    static void streamError(SseStream sse, String message) throws IOException {
        sse.data(ApiJson.write(ErrorResponses.openAi(new ApiError(500, message), 500, message)));
        sse.close();
    }

    static String newId(String prefix) {
        byte[] idBytes = new byte[12];
        RANDOM.nextBytes(idBytes);
        return prefix + HexFormat.of().formatHex(idBytes);
    }
}
