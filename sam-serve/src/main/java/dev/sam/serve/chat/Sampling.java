package dev.sam.serve.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.serve.http.ApiError;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampling fields OpenAI's chat and completions requests share (and Ollama's {@code options} map
 * onto): max_tokens / max_completion_tokens (capped at {@code serve.max_tokens}), temperature, top_p,
 * stop (a string or up to 4 strings), seed. Every problem is a 400 naming the field.
 *
 * <pre>Sampling s = Sampling.parse(body, config.serve().maxTokens(), 0.7, 0.8);</pre>
 */
public record Sampling(int maxTokens, double temperature, double topP, List<String> stop, Long seed) {
    public Sampling {
        stop = List.copyOf(stop);
    }

    public static Sampling parse(JsonNode body, int maxTokensLimit, double defaultTemperature, double defaultTopP) {
        JsonNode mt = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.path("max_tokens");
        int maxTokens = maxTokensLimit;
        if (!mt.isMissingNode() && !mt.isNull()) {
            if (!mt.canConvertToInt() || !mt.isIntegralNumber() || mt.asInt() < 1) {
                throw ApiError.badParam("max_tokens", null, "'max_tokens' must be a positive integer, got " + mt);
            }
            maxTokens = Math.min(mt.asInt(), maxTokensLimit);
        }
        double temperature = number(body, "temperature", defaultTemperature, 0, 2);
        double topP = number(body, "top_p", defaultTopP, 0, 1);
        if (topP == 0) {
            throw ApiError.badParam("top_p", null, "'top_p' must be in (0, 1], got 0");
        }
        JsonNode seed = body.path("seed");
        if (!seed.isMissingNode() && !seed.isNull() && !seed.isIntegralNumber()) {
            throw ApiError.badParam("seed", null, "'seed' must be an integer, got " + seed);
        }
        return new Sampling(maxTokens, temperature, topP, stops(body.path("stop")),
                seed.isIntegralNumber() ? seed.asLong() : null);
    }

    private static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.badParam(field, null, "'" + field + "' must be a number in [" + min + ", " + max + "], got " + v);
        }
        return v.asDouble();
    }

    static boolean flag(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiError.badParam(field, null, "'" + field + "' must be true or false, got " + v);
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
                    throw ApiError.badParam("stop", null, "'stop' must be a string or a list of strings");
                }
                out.add(x.asText());
            }
        } else if (!s.isMissingNode() && !s.isNull()) {
            throw ApiError.badParam("stop", null, "'stop' must be a string or a list of strings");
        }
        out.removeIf(String::isEmpty);
        if (out.size() > 4) {
            throw ApiError.badParam("stop", null, "'stop' may hold at most 4 sequences, got " + out.size());
        }
        return out;
    }
}
