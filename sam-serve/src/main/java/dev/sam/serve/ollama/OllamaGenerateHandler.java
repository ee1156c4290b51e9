package dev.sam.serve.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Fim;
import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.Served;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's {@code POST /api/generate} (ollama docs/api.md, "Generate a completion"): with a
 * {@code suffix}, fill-in-the-middle in Qwen2.5-Coder's layout ({@link Fim#psm}) — what Ollama-speaking
 * autocomplete plugins send; with {@code "raw": true}, the prompt continued as it is; otherwise the
 * prompt (and {@code system}) as one chat turn through the model's chat template, as Ollama applies the
 * model's template. The answer's text is in {@code response}. {@code template}, {@code images} and
 * {@code context} are refused; SAM does not keep conversational context (no {@code context} returned).
 */
public final class OllamaGenerateHandler implements Handler {
    private final Generations generations;
    private final int maxTokens;

    public OllamaGenerateHandler(Generations generations, int maxTokens) {
        this.generations = generations;
        this.maxTokens = maxTokens;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        JsonNode body = call.jsonBody();
        OllamaRequest req = OllamaRequest.parse(body, maxTokens);
        for (String f : new String[] {"template", "images", "context"}) {
            JsonNode n = body.path(f);
            if (!n.isMissingNode() && !n.isNull() && !(n.isArray() && n.isEmpty()) && !(n.isTextual()
                    && n.asText().isEmpty())) {
                throw ApiError.badRequest("'" + f + "' is not supported by SAM's Ollama-compatible API");
            }
        }
        if (!body.path("prompt").isTextual()) {
            throw ApiError.badRequest("'prompt' must be a string");
        }
        String prompt = body.path("prompt").asText();
        String suffix = body.path("suffix").asText("");
        boolean raw = body.path("raw").asBoolean(false);
        Served v = generations.select(call, req.model());
        generations.responseId(call, "ollama-");
        var sp = req.sampling();
        long seed = sp.seed() != null ? sp.seed() : OllamaChatHandler.RANDOM.nextLong();
        ChatBackend.Generation g;
        if (!suffix.isEmpty() || raw) {
            g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), List.of(),
                    suffix.isEmpty() ? prompt : Fim.psm(prompt, suffix), !suffix.isEmpty(), sp.maxTokens(),
                    sp.temperature(), sp.topP(), seed);
        } else {
            List<ChatMessage> m = new ArrayList<>();
            if (body.path("system").isTextual() && !body.path("system").asText().isEmpty()) {
                m.add(new ChatMessage("system", body.path("system").asText()));
            }
            m.add(new ChatMessage("user", prompt));
            g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), m, sp.maxTokens(),
                    sp.temperature(), sp.topP(), seed);
        }
        OllamaAnswer.send(call, generations, req, g, "response", text -> text);
    }
}
