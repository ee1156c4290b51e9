package dev.sam.serve.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.ChatMessage;
import dev.sam.serve.chat.ChatBackend;
import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.ApiError;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.Served;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Ollama's {@code POST /api/chat} (ollama docs/api.md, "Generate a chat completion"): messages of
 * {@code {"role","content"}}, the served version the {@code model} names (as for OpenAI requests), and
 * the answer as {@code {"message":{"role":"assistant","content"}}} objects — streamed as NDJSON unless
 * {@code "stream": false}. Images are refused (SAM's model reads text only).
 */
public final class OllamaChatHandler implements Handler {
    static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private final Generations generations;
    private final int maxTokens;

    public OllamaChatHandler(Generations generations, int maxTokens) {
        this.generations = generations;
        this.maxTokens = maxTokens;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        JsonNode body = call.jsonBody();
        OllamaRequest req = OllamaRequest.parse(body, maxTokens);
        List<ChatMessage> messages = messages(body.path("messages"));
        Served v = generations.select(call, req.model());
        generations.responseId(call, "ollama-");
        var sp = req.sampling();
        var g = new ChatBackend.Generation(v.version(), v.baseDir(), v.adapters(), messages, sp.maxTokens(),
                sp.temperature(), sp.topP(), sp.seed() != null ? sp.seed() : RANDOM.nextLong());
        OllamaAnswer.send(call, generations, req, g, "message", OllamaReplies::message);
    }

    private static List<ChatMessage> messages(JsonNode msgs) {
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty list of {\"role\", \"content\"}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw ApiError.badRequest("messages[" + i + "].role must be one of system, user, assistant, tool;"
                        + " got '" + role + "'");
            }
            if (!m.path("content").isTextual()) {
                throw ApiError.badRequest("messages[" + i + "].content must be a string");
            }
            if (m.path("images").isArray() && !m.path("images").isEmpty()) {
                throw ApiError.badRequest("messages[" + i + "].images: SAM's model reads text only");
            }
            out.add(new ChatMessage(role, m.path("content").asText()));
        }
        String last = out.get(out.size() - 1).role();
        if (!last.equals("user") && !last.equals("tool")) {
            throw ApiError.badRequest("the last message must come from the user (or a tool), got '" + last + "'");
        }
        return out;
    }
}
