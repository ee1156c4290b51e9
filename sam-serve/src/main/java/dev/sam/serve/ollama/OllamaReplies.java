package dev.sam.serve.ollama;

import dev.sam.serve.chat.Generations;
import dev.sam.serve.http.HttpCall;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ollama's answer objects (ollama docs/api.md): every one has model, created_at (RFC 3339) and done;
 * the last one also done_reason and the counts and durations (nanoseconds). SAM measures the whole
 * request only, so total_duration and eval_duration are the request's time so far and the load and
 * prompt-evaluation durations are 0 — the token counts (prompt_eval_count, eval_count) are exact.
 */
final class OllamaReplies {
    private OllamaReplies() {
    }

    static Map<String, Object> start(String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("created_at", Instant.now().toString());
        return m;
    }

    static Map<String, Object> part(String model, String key, Object value) {
        Map<String, Object> m = start(model);
        m.put(key, value);
        m.put("done", false);
        return m;
    }

    static Map<String, Object> last(String model, String key, Object value, Generations.Result r, HttpCall call) {
        Map<String, Object> m = start(model);
        m.put(key, value);
        m.put("done", true);
        m.put("done_reason", r.finishReason());
        long ns = (long) (call.elapsedMs() * 1e6);
        m.put("total_duration", ns);
        m.put("load_duration", 0);
        m.put("prompt_eval_count", r.completion().promptTokens());
        m.put("prompt_eval_duration", 0);
        m.put("eval_count", r.completion().completionTokens());
        m.put("eval_duration", ns);
        return m;
    }

    static Map<String, Object> message(String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "assistant");
        m.put("content", content);
        return m;
    }
}
