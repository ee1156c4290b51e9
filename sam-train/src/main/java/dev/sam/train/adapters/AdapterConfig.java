package dev.sam.train.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mlx-lm's {@code adapter_config.json}: the fields its loader needs (mlx-lm {@code tuner/utils.py}
 * load_adapters: {@code fine_tune_type}, {@code num_layers}, {@code lora_parameters} with rank, scale,
 * dropout and keys) plus the base {@code model}. Reading collects every problem instead of stopping at
 * the first; writing produces the flat, key-sorted file of training arguments that mlx-lm's
 * {@code save_config(vars(args))} writes (lora.py), so mlx-lm and SAM read each other's adapters.
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

    /** The config of adapters SAM trains with {@code spec} on {@code model} (a base model name). */
    public static AdapterConfig of(LoraSpec spec, String model) {
        // float → the shortest decimal (0.05f is written 0.05, not 0.05000000074505806)
        return new AdapterConfig("lora", spec.numLayers(), spec.rank(), Double.parseDouble(Float.toString(spec.scale())),
                Double.parseDouble(Float.toString(spec.dropout())), spec.mlxKeys(), model);
    }

    /**
     * Reads {@code dir/adapter_config.json} for loading the adapters: every problem in one SamException;
     * absent keys are taken from the tensor names of {@code dir/adapters.safetensors} (mlx-lm would use
     * the model's defaults, which for qwen2 are q_proj and v_proj only — the tensors are the truth).
     */
    public static AdapterConfig load(Path dir) {
        Path file = dir.resolve(AdapterFiles.CONFIG);
        List<String> problems = new ArrayList<>();
        AdapterConfig c = java.nio.file.Files.isRegularFile(file) ? read(file, problems, new ArrayList<>()) : null;
        if (!java.nio.file.Files.isRegularFile(file)) {
            problems.add(file + " does not exist");
        }
        if (c == null) {
            throw SamException.failure("adapters in " + dir + " cannot be used: " + String.join("; ", problems),
                    "use an mlx-lm adapter directory (adapters.safetensors + adapter_config.json)");
        }
        if (c.keys() == null) {
            Path weights = dir.resolve(AdapterFiles.SAFETENSORS);
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            SafetensorsFile.readHeader(weights).tensors().forEach(t -> tensors.put(t.name(), t));
            c = c.withKeys(LoraShapes.keysOf(tensors));
        }
        return c;
    }

    /** The native trainer's view: rank, scale, dropout, last N layers, target modules. */
    public LoraSpec toLoraSpec() {
        return new LoraSpec(rank, (float) scale, (float) dropout, numLayers, LoraSpec.targetsFromKeys(keys));
    }

    /**
     * Writes the file as mlx-lm's lora.py does ({@code save_config}: one flat JSON object, keys sorted):
     * fine_tune_type, num_layers, lora_parameters {rank, scale, dropout, keys[, alpha]}, model, and the
     * training arguments given (batch_size, iters, learning_rate, max_seq_length, grad_checkpoint,
     * mask_prompt, seed, ... and SAM's own, e.g. profile). Atomic.
     */
    public void write(Path file, Double alpha, Map<String, ?> trainingArgs) throws IOException {
        Map<String, Object> lp = new LinkedHashMap<>();
        lp.put("rank", rank);
        lp.put("scale", scale);
        lp.put("dropout", dropout);
        lp.put("keys", keys);
        if (alpha != null) {
            lp.put("alpha", alpha);
        }
        Map<String, Object> root = new LinkedHashMap<>(trainingArgs);
        root.put("fine_tune_type", fineTuneType);
        root.put("num_layers", numLayers);
        root.put("lora_parameters", lp);
        if (model != null) {
            root.put("model", model);
        }
        AtomicFiles.writeJson(file, root);
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
