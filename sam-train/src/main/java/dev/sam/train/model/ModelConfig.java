package dev.sam.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.train.safetensors.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of a HuggingFace Qwen2 {@code config.json} that define the network (transformers'
 * Qwen2Config), plus MLX's {@code quantization}. {@code headDim} is resolved (HF's default is
 * hidden_size / num_attention_heads); {@code quantization} is null for an unquantized model.
 *
 * <pre>ModelConfig c = ModelConfig.load(dir.resolve("config.json"));</pre>
 */
public record ModelConfig(
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        double ropeTheta,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        String torchDtype,
        Quantization quantization) {

    /** Reads, parses and validates; every problem is listed in one SamException. */
    public static ModelConfig load(Path configJson) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readString(configJson));
        } catch (NoSuchFileException e) {
            throw SamException.failure(configJson + " does not exist",
                    "a model directory needs config.json (HuggingFace Qwen2 format)");
        } catch (IOException e) {
            throw SamException.failure(configJson + " is not valid JSON: " + e.getMessage().lines().findFirst()
                    .orElse(""), "repair or replace config.json");
        }
        return fromJson(root, configJson.toString());
    }

    /** Parses a config tree; {@code source} names it in messages. */
    public static ModelConfig fromJson(JsonNode root, String source) {
        ModelConfigReader r = new ModelConfigReader(root);
        ModelConfig c = r.read();
        List<String> problems = new ArrayList<>(r.problems());
        if (problems.isEmpty()) {
            problems.addAll(c.problems());
        }
        if (!problems.isEmpty()) {
            throw SamException.failure(source + " is not a usable Qwen2 config:\n  - " + String.join("\n  - ", problems),
                    "fix these fields (see docs/formats.md, 'Models and tokenizers')");
        }
        return c;
    }

    /** Value problems, each naming its field; empty when the model can be built. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        positive(out, "hidden_size", hiddenSize);
        positive(out, "num_hidden_layers", numHiddenLayers);
        positive(out, "num_attention_heads", numAttentionHeads);
        positive(out, "num_key_value_heads", numKeyValueHeads);
        positive(out, "head_dim", headDim);
        positive(out, "intermediate_size", intermediateSize);
        positive(out, "vocab_size", vocabSize);
        positive(out, "max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads > 0 && numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
            out.add("num_attention_heads (" + numAttentionHeads + ") must be a multiple of num_key_value_heads ("
                    + numKeyValueHeads + ") for grouped-query attention");
        }
        if (headDim > 0 && headDim % 2 != 0) {
            out.add("head_dim (" + headDim + ") must be even for rotary embeddings");
        }
        if (!(ropeTheta > 0)) {
            out.add("rope_theta must be > 0, got " + ropeTheta);
        }
        if (!(rmsNormEps > 0 && rmsNormEps < 1)) {
            out.add("rms_norm_eps must be in (0, 1), got " + rmsNormEps);
        }
        if (torchDtype != null && Dtype.ofTorchName(torchDtype).isEmpty()) {
            out.add("torch_dtype '" + torchDtype + "' is not float32, float16 or bfloat16");
        }
        if (quantization != null) {
            checkQuantization(out, "quantization", quantization);
            quantization.perModule().forEach((k, q) -> {
                if (q.bits() != 0) {
                    checkQuantization(out, "quantization." + k, q);
                }
            });
        }
        return out;
    }

    private static void checkQuantization(List<String> out, String key, Quantization q) {
        if (!Quantization.AFFINE.equals(q.mode())) {
            out.add(key + ".mode '" + q.mode() + "' is not supported (SAM reads MLX affine quantization only)");
        }
        if (!Quantization.supportedBits(q.bits())) {
            out.add(key + ".bits must be 2, 3, 4, 5, 6 or 8, got " + q.bits());
        }
        if (!Quantization.supportedGroupSize(q.groupSize())) {
            out.add(key + ".group_size must be 32, 64 or 128, got " + q.groupSize());
        }
    }

    private static void positive(List<String> out, String key, long v) {
        if (v <= 0) {
            out.add(key + " must be > 0, got " + v);
        }
    }

    public boolean isQuantized() {
        return quantization != null;
    }

    /** The dtype of the unquantized weights from torch_dtype (float32 when absent). */
    public Dtype weightDtype() {
        return Dtype.ofTorchName(torchDtype).orElse(Dtype.F32);
    }

    public ModelConfig withQuantization(Quantization q) {
        return new ModelConfig(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, vocabSize, ropeTheta, rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings,
                torchDtype, q);
    }

    public ModelConfig withTorchDtype(Dtype d) {
        return new ModelConfig(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, vocabSize, ropeTheta, rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings,
                d.torchName(), quantization);
    }

    /** Every parameter tensor in HF naming (Qwen2ForCausalLM), in safetensors' sorted name order. */
    public List<ParamTensor> tensors() {
        return Qwen2Tensors.of(this);
    }

    /** Logical parameter count (as if unquantized). */
    public long numParams() {
        return tensors().stream().mapToLong(ParamTensor::numel).sum();
    }

    /** config.json as HuggingFace transformers writes it for Qwen2ForCausalLM (plus MLX quantization). */
    public ObjectNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.putArray("architectures").add("Qwen2ForCausalLM");
        o.put("attention_dropout", 0.0);
        o.put("hidden_act", "silu");
        o.put("hidden_size", hiddenSize);
        if (headDim != hiddenSize / numAttentionHeads) {
            o.put("head_dim", headDim);
        }
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("max_window_layers", numHiddenLayers);
        o.put("model_type", "qwen2");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_key_value_heads", numKeyValueHeads);
        if (quantization != null) {
            putQuantization(o, quantization);
        }
        o.put("rms_norm_eps", rmsNormEps);
        o.putNull("rope_scaling");
        o.put("rope_theta", ropeTheta);
        o.put("sliding_window", maxPositionEmbeddings);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("torch_dtype", torchDtype == null ? "float32" : torchDtype);
        o.put("use_cache", true);
        o.put("use_sliding_window", false);
        o.put("vocab_size", vocabSize);
        return o;
    }

    /**
     * Sets {@code quantization} and, as mlx-lm's save_config does for the HF hub tree,
     * {@code quantization_config} to the same object.
     */
    public static void putQuantization(ObjectNode config, Quantization q) {
        ObjectNode qn = Json.mapper().createObjectNode();
        qn.put("group_size", q.groupSize());
        qn.put("bits", q.bits());
        qn.put("mode", q.mode());
        Map<String, Quantization> sorted = new java.util.TreeMap<>(q.perModule());
        sorted.forEach((k, v) -> {
            if (v.bits() == 0) {
                qn.put(k, false);
            } else {
                qn.putObject(k).put("group_size", v.groupSize()).put("bits", v.bits()).put("mode", v.mode());
            }
        });
        config.set("quantization", qn);
        config.set("quantization_config", qn.deepCopy());
    }
}
