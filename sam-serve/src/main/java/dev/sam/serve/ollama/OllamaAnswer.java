package dev.sam.serve.ollama;

import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.HttpCall;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers an Ollama generation, whole ({@code "stream": false}) or as NDJSON lines ending with the
 * {@code "done": true} object; a failure after the first line ends the stream with {@code {"error":…}},
 * as Ollama does. {@code key} is "message" (chat) or "response" (generate), {@code wrap} turns text into
 * its value.
 */
final class OllamaAnswer {
    private OllamaAnswer() {
    }

    static void send(HttpCall call, Generations gens, OllamaRequest req, ChatBackend.Generation g, String key,
                     Function<String, Object> wrap) throws Exception {
        String model = req.model();
        if (!req.stream()) {
            Generations.Result r = gens.complete(call, g, req.sampling().stop());
            call.respond(200, OllamaReplies.last(model, key, wrap.apply(r.text()), r, call));
            return;
        }
        NdjsonStream[] out = new NdjsonStream[1];
        gens.stream(call, g, req.sampling().stop(), new Generations.Events() {
            @Override
            public void open() throws IOException {
                out[0] = NdjsonStream.open(call);
            }

            @Override
            public void text(String delta) throws IOException {
                out[0].line(OllamaReplies.part(model, key, wrap.apply(delta)));
            }

            @Override
            public void fail(String message) throws IOException {
                out[0].line(Map.of("error", message));
                out[0].close();
            }

            @Override
            public void end(Generations.Result r) throws IOException {
                out[0].line(OllamaReplies.last(model, key, wrap.apply(""), r, call));
                out[0].close();
            }
        });
    }
}
