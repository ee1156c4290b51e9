package dev.sam.serve.api;

import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.ModelSelector;
import dev.sam.serve.routing.ServedVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models}, for OpenAI clients that list models before chatting: every name a request's
 * {@code model} may use ({@link ModelSelector}) — "sam" (the routed model: active plus the canary's
 * share), "active", the active version, and "canary" with the canary version while there is one.
 */
public final class ModelsHandler implements Handler {
    private final ServeState state;

    public ModelsHandler(ServeState state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        ServedVersions v = state.versions().current();
        long created = state.startedMillis() / 1000;
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : ModelSelector.names(v)) {
            data.add(model(id, created));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        call.respond(200, body);
    }

    private static Map<String, Object> model(String id, long created) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "sam");
        return m;
    }
}
