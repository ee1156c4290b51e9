package dev.sam.train.peft;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a PEFT {@code adapter_config.json} (peft {@code tuners/lora/config.py} LoraConfig) that decide
 * what a LoRA adapter computes, read strictly: everything SAM's mlx-lm-style adapters cannot express is
 * refused by name — DoRA ({@code use_dora}), modules other than the seven Qwen2 projections, per-module
 * ranks or alphas ({@code rank_pattern}, {@code alpha_pattern}), trained biases, {@code modules_to_save},
 * {@code fan_in_fan_out}, layer replication, other PEFT methods or task types. The scale is PEFT's
 * {@code scaling}: {@code lora_alpha / r}, or {@code lora_alpha / sqrt(r)} with {@code use_rslora}
 * (rsLoRA, Kalajdzievski 2023).
 *
 * @param layers layers_to_transform, null for all layers
 */
public record PeftLoraConfig(int rank, double alpha, boolean rslora, double dropout, List<String> targets,
                             List<Integer> layers, String baseModel) {

    /** PEFT's scaling factor, which becomes mlx-lm's scale. */
    public double scale() {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    public static PeftLoraConfig read(Path file) {
        JsonNode c;
        try {
            c = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw SamException.failure(file + " is not valid JSON: " + e.getMessage(), "point at a PEFT adapter directory");
        }
        List<String> refused = new ArrayList<>();
        if (!"LORA".equals(c.path("peft_type").asText("LORA"))) {
            refused.add("peft_type " + c.get("peft_type").asText() + " (only LORA is supported)");
        }
        if (c.path("use_dora").asBoolean(false)) {
            refused.add("DoRA (use_dora: true): SAM's adapters are plain LoRA, without DoRA's magnitude vectors");
        }
        if (c.hasNonNull("task_type") && !"CAUSAL_LM".equals(c.get("task_type").asText())) {
            refused.add("task_type " + c.get("task_type").asText() + " (only CAUSAL_LM)");
        }
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            if (c.path(key).size() > 0) {
                refused.add(key + " " + c.get(key) + " (SAM's adapters have one rank and one alpha)");
            }
        }
        if (!"none".equals(c.path("bias").asText("none"))) {
            refused.add("bias " + c.get("bias").asText() + " (trained biases are not part of SAM's adapters)");
        }
        if (c.path("lora_bias").asBoolean(false)) {
            refused.add("lora_bias: true (a bias on lora_B)");
        }
        if (c.path("modules_to_save").size() > 0) {
            refused.add("modules_to_save " + c.get("modules_to_save") + " (fully trained modules)");
        }
        if (c.path("fan_in_fan_out").asBoolean(false)) {
            refused.add("fan_in_fan_out: true (Conv1D layout; Qwen2 uses nn.Linear)");
        }
        if (c.hasNonNull("layer_replication")) {
            refused.add("layer_replication " + c.get("layer_replication"));
        }
        List<String> targets = new ArrayList<>();
        JsonNode tm = c.path("target_modules");
        if (tm.isArray()) {
            tm.forEach(t -> targets.add(t.asText()));
        } else {
            refused.add("target_modules " + tm + " (a list of module names such as [\"q_proj\", \"v_proj\"] is needed)");
        }
        List<String> unknown = targets.stream().filter(t -> !TrainingProfile.ALL_TARGETS.contains(t)).toList();
        if (!unknown.isEmpty()) {
            refused.add("target_modules " + unknown + " (SAM adapts " + String.join(", ", TrainingProfile.ALL_TARGETS)
                    + ")");
        }
        int rank = c.path("r").asInt(0);
        double alpha = c.path("lora_alpha").asDouble(0);
        if (rank <= 0 || !(alpha > 0)) {
            refused.add("r " + c.path("r") + " / lora_alpha " + c.path("lora_alpha") + " (both must be positive numbers)");
        }
        if (!refused.isEmpty()) {
            throw SamException.failure(file + " uses what SAM cannot import:\n  - " + String.join("\n  - ", refused),
                    "train plain LoRA on q/k/v/o/gate/up/down_proj (peft LoraConfig with use_dora=False, bias=\"none\")");
        }
        List<Integer> layers = null;
        JsonNode lt = c.path("layers_to_transform");
        if (lt.isInt()) {
            layers = List.of(lt.asInt());
        } else if (lt.isArray()) {
            layers = new ArrayList<>();
            for (JsonNode l : lt) {
                layers.add(l.asInt());
            }
            layers = List.copyOf(layers);
        }
        return new PeftLoraConfig(rank, alpha, c.path("use_rslora").asBoolean(false), c.path("lora_dropout").asDouble(0),
                List.copyOf(targets), layers, c.path("base_model_name_or_path").asText(null));
    }
}
