package dev.sam.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads config.json fields one by one, collecting every problem (missing key, wrong type) instead of
 * stopping at the first, so that {@link ModelConfig#fromJson} can report them all at once.
 */
final class ModelConfigReader {
    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();

    ModelConfigReader(JsonNode root) {
        this.root = root;
    }

    List<String> problems() {
        return problems;
    }

    ModelConfig read() {
        if (root == null || !root.isObject()) {
            problems.add("the file is not a JSON object");
            return null;
        }
        String type = root.path("model_type").asText(null);
        if (type != null && !type.equals("qwen2")) {
            problems.add("model_type is '" + type + "'; SAM trains Qwen2 models (model_type \"qwen2\")");
        }
        int hidden = integer("hidden_size", null);
        int heads = integer("num_attention_heads", null);
        int kv = integer("num_key_value_heads", heads);
        Integer defHead = hidden > 0 && heads > 0 ? hidden / heads : 0;
        if (!root.hasNonNull("head_dim") && hidden > 0 && heads > 0 && hidden % heads != 0) {
            problems.add("hidden_size (" + hidden + ") is not a multiple of num_attention_heads (" + heads
                    + ") and head_dim is not given");
        }
        ModelConfig c = new ModelConfig(hidden, integer("num_hidden_layers", null), heads, kv,
                integer("head_dim", defHead), integer("intermediate_size", null), integer("vocab_size", null),
                number("rope_theta", 10000.0), number("rms_norm_eps", 1e-6),
                bool("tie_word_embeddings", false), integer("max_position_embeddings", 32768),
                root.path("torch_dtype").asText(null), quantization());
        return c;
    }

    private Quantization quantization() {
        JsonNode q = root.get("quantization");
        if (q == null || q.isNull()) {
            return null;
        }
        if (!q.isObject()) {
            problems.add("quantization must be an object like {\"group_size\": 64, \"bits\": 4}");
            return null;
        }
        Map<String, Quantization> per = new LinkedHashMap<>();
        q.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (k.equals("group_size") || k.equals("bits") || k.equals("mode")) {
                return;
            }
            JsonNode v = e.getValue();
            if (v.isBoolean()) {
                if (!v.asBoolean()) {
                    per.put(k, Quantization.none());
                }
            } else if (v.isObject()) {
                per.put(k, params(v, "quantization." + k));
            }
        });
        Quantization base = params(q, "quantization");
        return new Quantization(base.groupSize(), base.bits(), base.mode(), per);
    }

    private Quantization params(JsonNode q, String key) {
        JsonNode g = q.get("group_size");
        JsonNode b = q.get("bits");
        if (g == null || !g.isIntegralNumber() || b == null || !b.isIntegralNumber()) {
            problems.add(key + " needs integer group_size and bits");
            return Quantization.affine(64, 4);
        }
        return new Quantization(g.asInt(), b.asInt(), q.path("mode").asText(Quantization.AFFINE), Map.of());
    }

    private int integer(String key, Integer def) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (def == null) {
                problems.add(key + " is missing");
                return 0;
            }
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            problems.add(key + " must be an integer, got " + n);
            return 0;
        }
        return n.asInt();
    }

    private double number(String key, double def) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isNumber()) {
            problems.add(key + " must be a number, got " + n);
            return def;
        }
        return n.asDouble();
    }

    private boolean bool(String key, boolean def) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isBoolean()) {
            problems.add(key + " must be true or false, got " + n);
            return def;
        }
        return n.asBoolean();
    }
}
