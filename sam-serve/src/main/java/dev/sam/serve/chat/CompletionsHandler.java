package dev.sam.serve.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.serve.http.ApiJson;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.http.SseStream;
import dev.sam.serve.routing.Served;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /v1/completions}, OpenAI's text completions — what editor plugins use for tab
 * autocomplete, with {@code suffix} for fill-in-the-middle ({@link CompletionRequest}). Version
 * selection, metrics and failures as for chat ({@link Generations}); the answer is one
 * {@code text_completion} or, streamed, {@code text_completion} chunks ending in {@code [DONE]}.
 */
public final class CompletionsHandler implements Handler {
    private final Generations generations;
    private final int maxTokens;

    public CompletionsHandler(Generations generations, int maxTokens) {
        this.generations = generations;
        this.maxTokens = maxTokens;
    }

    /** {@code {"id","object":"text_completion","created","model","choices":[…],"usage"}}. */
    public record Response(String id, String object, long created, String model, List<Choice> choices,
                           ChatResponses.Usage usage) {
    }

    /** logprobs and finish_reason are always present (null when none), as OpenAI sends them. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(String text, int index, Object logprobs, String finishReason) {
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        CompletionRequest req = CompletionRequest.parse(call.jsonBody(), maxTokens);
        Served v = generations.select(call, req.model());
        Sampling sp = req.sampling();
        long seed = sp.seed() != null ? sp.seed() : ChatCompletionsHandler.RANDOM.nextLong();
        var g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), List.of(), req.rendered(), req.fim(),
                sp.maxTokens(), sp.temperature(), sp.topP(), seed);
        String id = generations.responseId(call, "cmpl-");
        long created = call.startMillis() / 1000;
        if (!req.stream()) {
            Generations.Result r = generations.complete(call, g, sp.stop());
            call.respond(200, new Response(id, "text_completion", created, g.version(),
                    List.of(new Choice(r.text(), 0, null, r.finishReason())), usage(r)));
            return;
        }
        SseStream[] sse = new SseStream[1];
        generations.stream(call, g, sp.stop(), new Generations.Events() {
            @Override
            public void open() throws IOException {
                sse[0] = SseStream.open(call);
            }

            @Override
            public void text(String delta) throws IOException {
                chunk(delta, null);
            }

            @Override
            public void fail(String message) throws IOException {
                ChatCompletionsHandler.streamError(sse[0], message);
            }

            @Override
            public void end(Generations.Result r) throws IOException {
                chunk("", r.finishReason());
                if (req.includeUsage()) {
                    sse[0].data(ApiJson.write(new Response(id, "text_completion", created, g.version(), List.of(),
                            usage(r))));
                }
                sse[0].done();
                sse[0].close();
            }

            private void chunk(String text, String finish) throws IOException {
                sse[0].data(ApiJson.write(new Response(id, "text_completion", created, g.version(),
                        List.of(new Choice(text, 0, null, finish)), null)));
            }
        });
    }

    private static ChatResponses.Usage usage(Generations.Result r) {
        return ChatResponses.Usage.of(r.completion().promptTokens(), r.completion().completionTokens());
    }
}
