package dev.sam.serve.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.ChatMessage;
import dev.sam.serve.http.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI chat-completions request (https://platform.openai.com/docs/api-reference/chat/create),
 * the fields SAM honours: model (echoed, the served version is chosen by SAM), messages (content as a
 * string or a list of {@code {"type":"text","text":…}} parts), max_tokens / max_completion_tokens
 * (capped at {@code serve.max_tokens}), temperature, top_p, stream, stream_options.include_usage,
 * stop (a string or up to 4 strings), seed, n (only 1). Other fields are ignored, as OpenAI clients
 * send many. Sampling defaults are Qwen2.5-Coder-Instruct's generation_config.json (0.7 / 0.8).
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
            throw ApiError.badRequest("'messages' must be a non-empty list of {\"role\", \"content\"}");
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
        JsonNode n = body.path("n");
        if (!n.isMissingNode() && !n.isNull() && n.asInt(-1) != 1) {
            throw ApiError.badRequest("'n' must be 1 (SAM generates one choice per request)");
        }
        JsonNode mt = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.path("max_tokens");
        int maxTokens = maxTokensLimit;
        if (!mt.isMissingNode() && !mt.isNull()) {
            if (!mt.canConvertToInt() || !mt.isIntegralNumber() || mt.asInt() < 1) {
                throw ApiError.badRequest("'max_tokens' must be a positive integer, got " + mt);
            }
            maxTokens = Math.min(mt.asInt(), maxTokensLimit);
        }
        double temperature = number(body, "temperature", DEFAULT_TEMPERATURE, 0, 2);
        double topP = number(body, "top_p", DEFAULT_TOP_P, 0, 1);
        if (topP == 0) {
            throw ApiError.badRequest("'top_p' must be in (0, 1], got 0");
        }
        JsonNode seed = body.path("seed");
        if (!seed.isMissingNode() && !seed.isNull() && !seed.isIntegralNumber()) {
            throw ApiError.badRequest("'seed' must be an integer, got " + seed);
        }
        return new ChatRequest(body.path("model").asText(null), messages, maxTokens, temperature, topP,
                flag(body, "stream"), flag(body.path("stream_options"), "include_usage"), stops(body.path("stop")),
                seed.isIntegralNumber() ? seed.asLong() : null);
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

    private static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.badRequest("'" + field + "' must be a number in [" + min + ", " + max + "], got " + v);
        }
        return v.asDouble();
    }

    private static boolean flag(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest("'" + field + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static List<String> stops(JsonNode s) {
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw ApiError.badRequest("'stop' must be a string or a list of strings");
                }
                out.add(x.asText());
            }
        } else if (!s.isMissingNode() && !s.isNull()) {
            throw ApiError.badRequest("'stop' must be a string or a list of strings");
        }
        out.removeIf(String::isEmpty);
        if (out.size() > 4) {
            throw ApiError.badRequest("'stop' may hold at most 4 sequences, got " + out.size());
        }
        return out;
    }
}
