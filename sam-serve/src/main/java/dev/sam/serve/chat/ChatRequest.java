package dev.sam.serve.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.ChatMessage;
import dev.sam.serve.http.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI chat-completions request (https://platform.openai.com/docs/api-reference/chat/create),
 * the fields SAM honours: model (selects the served version, {@link dev.sam.serve.routing.ModelSelector}), messages (content as a
 * string or a list of {@code {"type":"text","text":…}} parts), max_tokens / max_completion_tokens
 * (capped at {@code serve.max_tokens}), temperature, top_p, stream, stream_options.include_usage,
 * stop (a string or up to 4 strings), seed, n (only 1). Fields SAM cannot honour are refused
 * ({@link OpenAiLimits}); other fields are ignored, as OpenAI clients send many. Sampling defaults are Qwen2.5-Coder-Instruct's generation_config.json (0.7 / 0.8).
 *
 * <pre>ChatRequest r = ChatRequest.parse(call.jsonBody(), config.serve().maxTokens());</pre>
 */
public record ChatRequest(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
                          boolean stream, boolean includeUsage, List<String> stop, Long seed) {
    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final double DEFAULT_TOP_P = 0.8;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
    }

    /** Validates {@code body}; every problem is a 400 naming the field. */
    public static ChatRequest parse(JsonNode body, int maxTokensLimit) {
        JsonNode msgs = body.path("messages");
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw ApiError.badParam("messages", null, "'messages' must be a non-empty list of {\"role\", \"content\"}");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), i));
        }
        if (!"user".equals(messages.get(messages.size() - 1).role())
                && !"tool".equals(messages.get(messages.size() - 1).role())) {
            throw ApiError.badRequest("the last message must come from the user (or a tool), got '"
                    + messages.get(messages.size() - 1).role() + "'");
        }
        OpenAiLimits.check(body);
        Sampling sp = Sampling.parse(body, maxTokensLimit, DEFAULT_TEMPERATURE, DEFAULT_TOP_P);
        return new ChatRequest(body.path("model").asText(null), messages, sp.maxTokens(), sp.temperature(), sp.topP(),
                Sampling.flag(body, "stream", false), Sampling.flag(body.path("stream_options"), "include_usage", false),
                sp.stop(), sp.seed());
    }

    private static ChatMessage message(JsonNode m, int i) {
        String where = "messages[" + i + "]";
        if (!m.isObject()) {
            throw ApiError.badRequest(where + " must be an object {\"role\", \"content\"}");
        }
        String role = m.path("role").asText("");
        if (!ROLES.contains(role)) {
            throw ApiError.badRequest(where + ".role must be one of system, user, assistant, tool; got '" + role + "'");
        }
        JsonNode c = m.path("content");
        String content;
        if (c.isTextual()) {
            content = c.asText();
        } else if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest(where + ".content parts must be {\"type\":\"text\",\"text\":…}"
                            + " (SAM's model reads text only)");
                }
                sb.append(part.path("text").asText());
            }
            content = sb.toString();
        } else if (c.isNull() && role.equals("assistant")) {
            content = "";
        } else {
            throw ApiError.badRequest(where + ".content must be a string");
        }
        return new ChatMessage(role, content);
    }
}
