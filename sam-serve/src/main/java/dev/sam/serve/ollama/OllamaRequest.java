package dev.sam.serve.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.json.Json;
import dev.sam.serve.chat.ChatRequest;
import dev.sam.serve.chat.Sampling;
import dev.sam.serve.http.ApiError;

/**
 * The fields Ollama's {@code /api/chat} and {@code /api/generate} share (ollama docs/api.md): model,
 * stream (default true, as in Ollama), and {@code options} — temperature, top_p, num_predict (the token
 * budget; -1 or absent = serve.max_tokens), stop, seed — read through {@link Sampling}. {@code format}
 * (JSON mode) and {@code tools} are refused with a 400 rather than ignored; other options (top_k,
 * num_ctx, …) concern Ollama's runtime and are ignored.
 */
record OllamaRequest(String model, boolean stream, Sampling sampling) {

    static OllamaRequest parse(JsonNode body, int maxTokensLimit) {
        if (!body.path("model").isTextual() || body.path("model").asText().isBlank()) {
            throw ApiError.badRequest("model is required (GET /api/tags lists them, e.g. \"sam\")");
        }
        JsonNode format = body.path("format");
        if (!format.isMissingNode() && !format.isNull() && !(format.isTextual() && format.asText().isEmpty())) {
            throw ApiError.badRequest("'format' (JSON mode) is not supported: SAM cannot guarantee JSON output;"
                    + " ask for JSON in the prompt instead");
        }
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            throw ApiError.badRequest("'tools' is not supported: SAM's model does not call tools");
        }
        JsonNode o = body.path("options");
        if (!o.isMissingNode() && !o.isNull() && !o.isObject()) {
            throw ApiError.badRequest("'options' must be an object");
        }
        ObjectNode s = Json.mapper().createObjectNode();
        for (String f : new String[] {"temperature", "top_p", "stop", "seed"}) {
            if (o.has(f)) {
                s.set(f, o.get(f));
            }
        }
        JsonNode np = o.path("num_predict");
        if (np.isIntegralNumber() && np.asInt() > 0) {
            s.set("max_tokens", np);
        } else if (!np.isMissingNode() && !np.isNull() && !(np.isIntegralNumber() && np.asInt() < 0)) {
            throw ApiError.badRequest("options.num_predict must be a positive integer (or -1 for the server's limit),"
                    + " got " + np);
        }
        Sampling sp = Sampling.parse(s, maxTokensLimit, ChatRequest.DEFAULT_TEMPERATURE, ChatRequest.DEFAULT_TOP_P);
        JsonNode st = body.path("stream");
        if (!st.isMissingNode() && !st.isNull() && !st.isBoolean()) {
            throw ApiError.badRequest("'stream' must be true or false, got " + st);
        }
        return new OllamaRequest(body.path("model").asText(), !st.isBoolean() || st.asBoolean(), sp);
    }
}
