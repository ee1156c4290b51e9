package dev.sam.serve.ollama;

import dev.sam.serve.api.ServeState;
import dev.sam.serve.http.Handler;
import dev.sam.serve.http.HttpCall;
import dev.sam.serve.routing.ModelSelector;
import dev.sam.serve.routing.Served;
import dev.sam.serve.routing.ServedVersions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama's {@code GET /api/tags} ("List Local Models", ollama docs/api.md): the names a request may use
 * ({@link ModelSelector#names}) as {@code name:latest} entries with the fields Ollama clients read (name,
 * model, modified_at, size, digest, details). SAM serves adapters on a base model, so size is 0 (unknown
 * here), format "safetensors", family "qwen2", and the digest a SHA-256 of the name and the version it
 * resolves to — it changes when a deploy changes what the name serves.
 */
public final class OllamaTagsHandler implements Handler {
    private final ServeState state;

    public OllamaTagsHandler(ServeState state) {
        this.state = state;
    }

    @Override
    public void handle(HttpCall call) throws Exception {
        ServedVersions v = state.versions().current();
        String modified = Instant.ofEpochMilli(state.startedMillis()).toString();
        List<Map<String, Object>> models = new ArrayList<>();
        for (String name : ModelSelector.names(v)) {
            Served s = name.equals(Served.CANARY) || (v.canary() != null && name.equals(v.canary().version()))
                    ? v.canary() : v.active();
            String resolves = name.equals(ModelSelector.ROUTED) ? v.describe() : s.version();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("parent_model", "");
            details.put("format", "safetensors");
            details.put("family", "qwen2");
            details.put("families", List.of("qwen2"));
            details.put("parameter_size", "");
            details.put("quantization_level", "");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name + ":latest");
            m.put("model", name + ":latest");
            m.put("modified_at", modified);
            m.put("size", 0);
            m.put("digest", sha256(name + "\u0000" + resolves + "\u0000" + s.baseModel()));
            m.put("details", details);
            models.add(m);
        }
        call.respond(200, Map.of("models", models));
    }

    private static String sha256(String s) throws java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code POST /api/show} ("Show Model Information"), which Ollama clients call before using a model:
     * the model must be one this server serves (404 otherwise); the answer has Ollama's keys, with what SAM
     * knows (family qwen2, its capabilities: completion and insert, i.e. fill-in-the-middle).
     */
    public static Handler show(ServeState state) {
        return call -> {
            String model = call.jsonBody().path("model").asText(call.jsonBody().path("name").asText(""));
            ServedVersions v = state.versions().current();
            String bare = model.endsWith(":latest") ? model.substring(0, model.length() - 7) : model;
            if (!ModelSelector.names(v).contains(bare)) {
                throw dev.sam.serve.http.ApiError.notFound("model '" + model + "' not found (GET /api/tags lists them)");
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("parent_model", "");
            details.put("format", "safetensors");
            details.put("family", "qwen2");
            details.put("families", List.of("qwen2"));
            details.put("parameter_size", "");
            details.put("quantization_level", "");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("modelfile", "# served by SAM: " + v.describe());
            m.put("parameters", "");
            m.put("template", "");
            m.put("details", details);
            m.put("model_info", Map.of("general.architecture", "qwen2"));
            m.put("capabilities", List.of("completion", "insert"));
            m.put("modified_at", Instant.ofEpochMilli(state.startedMillis()).toString());
            call.respond(200, m);
        };
    }

    /** {@code GET /api/version}: the Ollama API version SAM's subset follows (clients check it is recent). */
    public static Handler version() {
        return call -> call.respond(200, Map.of("version", OLLAMA_API_VERSION));
    }

    /** The Ollama release whose docs/api.md the subset follows. */
    public static final String OLLAMA_API_VERSION = "0.5.1";
}
