package dev.sam.deploy.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of mlx-lm's {@code adapter_config.json} that a deployment depends on (mlx-lm
 * {@code tuner/utils.py} load_adapters: fine_tune_type, num_layers, lora_parameters). Reading it
 * collects every problem instead of stopping at the first.
 *
 * <pre>AdapterConfig c = AdapterConfig.read(dir.resolve("adapter_config.json"), problems, notes);</pre>
 *
 * @param numLayers the last N layers are adapted; -1 = all
 * @param keys      module paths inside a layer, e.g. self_attn.q_proj; null when the file has none
 *                  (mlx-lm then uses the model's default targets)
 * @param model     the base model the adapters were trained on, as written by the trainer; may be null
 */
public record AdapterConfig(String fineTuneType, int numLayers, int rank, double scale, double dropout,
                            List<String> keys, String model) {

    /** Parses the file; returns null when it is unusable ({@code problems} then says why). */
    public static AdapterConfig read(Path file, List<String> problems, List<String> notes) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            problems.add(file.getFileName() + " is not valid JSON");
            return null;
        }
        if (root == null || !root.isObject()) {
            problems.add(file.getFileName() + " is not a JSON object");
            return null;
        }
        int before = problems.size();
        String type = root.path("fine_tune_type").asText(null);
        if (type == null) {
            notes.add("adapter_config.json has no fine_tune_type; assumed \"lora\" (older mlx-lm)");
            type = "lora";
        } else if (!type.equals("lora")) {
            problems.add("fine_tune_type is \"" + type + "\"; SAM deploys \"lora\" adapters");
        }
        JsonNode layers = root.has("num_layers") ? root.get("num_layers") : root.get("lora_layers");
        int numLayers = intField(layers, "num_layers", problems);
        if (layers != null && layers.isInt() && (numLayers == 0 || numLayers < -1)) {
            problems.add("num_layers must be -1 (all) or > 0, got " + numLayers);
        }
        JsonNode lp = root.get("lora_parameters");
        if (lp == null || !lp.isObject()) {
            problems.add("lora_parameters is missing (it must hold rank, scale, dropout and keys)");
            return null;
        }
        int rank = intField(lp.get("rank"), "lora_parameters.rank", problems);
        if (lp.path("rank").isInt() && rank <= 0) {
            problems.add("lora_parameters.rank must be > 0, got " + rank);
        }
        double scale = numberField(lp.get("scale"), "lora_parameters.scale", problems);
        double dropout = numberField(lp.get("dropout"), "lora_parameters.dropout", problems);
        if (lp.path("dropout").isNumber() && (dropout < 0 || dropout >= 1)) {
            problems.add("lora_parameters.dropout must be in [0, 1), got " + dropout);
        }
        List<String> keys = null;
        JsonNode k = lp.get("keys");
        if (k == null || k.isNull()) {
            notes.add("lora_parameters.keys is absent; the adapted modules are taken from the tensor names");
        } else if (!k.isArray() || k.isEmpty()) {
            problems.add("lora_parameters.keys must be a non-empty list such as [\"self_attn.q_proj\", ...]");
        } else {
            keys = new ArrayList<>();
            for (JsonNode e : k) {
                keys.add(e.asText());
            }
        }
        String model = root.path("model").isTextual() ? root.get("model").asText() : null;
        if (problems.size() > before) {
            return null;
        }
        return new AdapterConfig(type, numLayers, rank, scale, dropout, keys == null ? null : List.copyOf(keys),
                model);
    }

    /** This config with the keys filled in (from the tensor names when the file had none). */
    public AdapterConfig withKeys(List<String> k) {
        return new AdapterConfig(fineTuneType, numLayers, rank, scale, dropout, List.copyOf(k), model);
    }

    private static int intField(JsonNode n, String name, List<String> problems) {
        if (n == null || n.isNull()) {
            problems.add(name + " is missing");
            return 0;
        }
        if (!n.isInt()) {
            problems.add(name + " must be an integer, got " + n);
            return 0;
        }
        return n.asInt();
    }

    private static double numberField(JsonNode n, String name, List<String> problems) {
        if (n == null || n.isNull()) {
            problems.add(name + " is missing");
            return 0;
        }
        if (!n.isNumber()) {
            problems.add(name + " must be a number, got " + n);
            return 0;
        }
        return n.asDouble();
    }
}
