package dev.sam.deploy.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The dimensions of a Qwen2-style base model from its HF {@code config.json}, enough to know the
 * shape of every linear layer a LoRA adapter may target (transformers {@code modeling_qwen2.py}:
 * q_proj hidden→heads·head_dim, k/v_proj hidden→kv_heads·head_dim, o_proj heads·head_dim→hidden,
 * gate/up_proj hidden→intermediate, down_proj intermediate→hidden).
 *
 * <pre>BaseModelConfig b = BaseModelConfig.read(home.baseModel("qwen2-tiny").resolve("config.json"));</pre>
 */
public record BaseModelConfig(String modelType, int hiddenSize, int numAttentionHeads, int numKeyValueHeads,
                              int headDim, int intermediateSize, int numHiddenLayers) {

    public static BaseModelConfig read(Path configJson) throws IOException {
        JsonNode n;
        try {
            n = Json.mapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new IOException(configJson + " cannot be read as JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IOException(configJson + " is not a JSON object");
        }
        int hidden = positive(n, "hidden_size", configJson);
        int heads = positive(n, "num_attention_heads", configJson);
        int kv = n.has("num_key_value_heads") ? positive(n, "num_key_value_heads", configJson) : heads;
        int headDim = n.has("head_dim") ? positive(n, "head_dim", configJson) : hidden / heads;
        return new BaseModelConfig(n.path("model_type").asText("unknown"), hidden, heads, kv, headDim,
                positive(n, "intermediate_size", configJson), positive(n, "num_hidden_layers", configJson));
    }

    /** [in, out] of the linear layer at {@code key} (e.g. self_attn.k_proj), or null when unknown. */
    public long[] inOut(String key) {
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        return switch (key) {
            case "self_attn.q_proj" -> new long[] {hiddenSize, q};
            case "self_attn.k_proj", "self_attn.v_proj" -> new long[] {hiddenSize, kv};
            case "self_attn.o_proj" -> new long[] {q, hiddenSize};
            case "mlp.gate_proj", "mlp.up_proj" -> new long[] {hiddenSize, intermediateSize};
            case "mlp.down_proj" -> new long[] {intermediateSize, hiddenSize};
            default -> null;
        };
    }

    private static int positive(JsonNode n, String key, Path file) throws IOException {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new IOException(file + " lacks a positive " + key);
        }
        return v.asInt();
    }
}
