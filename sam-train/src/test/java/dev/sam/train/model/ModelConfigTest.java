package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    @Test
    void readsTheFixtureConfig() {
        ModelConfig c = ModelConfig.load(TestHomes.testdata("qwen2-tiny").resolve("fp32/config.json"));
        assertEquals(64, c.hiddenSize());
        assertEquals(3, c.numHiddenLayers());
        assertEquals(16, c.headDim(), "default head_dim = hidden / heads");
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(1e6, c.ropeTheta());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(null, c.quantization());
        ModelConfig q = ModelConfig.load(TestHomes.testdata("qwen2-tiny").resolve("mlx-4bit-g32/config.json"));
        assertEquals(Quantization.affine(32, 4), q.quantization());
    }

    @Test
    void theRealShapeHasThePublishedParameterCount() {
        ModelConfig c = ModelShapes.get("qwen2.5-coder-1.5b");
        assertEquals(1_543_714_304L, c.numParams(), "Qwen2.5-Coder-1.5B: 1.54B parameters");
        assertEquals(28 * 12 + 2, c.tensors().size(), "28 layers x 12 tensors + embedding + final norm");
        assertEquals("qwen2.5-coder-1.5b", ModelShapes.describe(c));
        assertTrue(c.tensors().stream().noneMatch(t -> t.name().equals("lm_head.weight")), "tied");
        assertTrue(ModelShapes.get("qwen2.5-coder-7b").tensors().stream()
                .anyMatch(t -> t.name().equals("lm_head.weight")), "7B is untied");
    }

    @Test
    void toJsonRoundTrips() {
        ModelConfig c = ModelShapes.get("qwen2.5-coder-0.5b").withQuantization(Quantization.affine(64, 4));
        ObjectNode json = c.toJson();
        assertEquals("Qwen2ForCausalLM", json.get("architectures").get(0).asText());
        assertEquals(json.get("quantization"), json.get("quantization_config"));
        assertEquals(c, ModelConfig.fromJson(json, "test"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ObjectNode j = Json.mapper().createObjectNode();
        j.put("model_type", "qwen2").put("hidden_size", "64").put("num_attention_heads", 4)
                .put("rms_norm_eps", "small").put("tie_word_embeddings", 1);
        SamException e = assertThrows(SamException.class, () -> ModelConfig.fromJson(j, "cfg.json"));
        for (String s : List.of("cfg.json", "hidden_size must be an integer", "num_hidden_layers is missing",
                "intermediate_size is missing", "vocab_size is missing", "rms_norm_eps must be a number",
                "tie_word_embeddings must be true or false")) {
            assertTrue(e.getMessage().contains(s), "mentions " + s + ": " + e.getMessage());
        }
    }

    @Test
    void valueProblems() {
        ObjectNode j = ModelShapes.get("qwen2.5-coder-1.5b").toJson();
        j.put("num_key_value_heads", 5).put("model_type", "llama");
        SamException e = assertThrows(SamException.class, () -> ModelConfig.fromJson(j, "cfg"));
        assertTrue(e.getMessage().contains("model_type is 'llama'"), e.getMessage());
        j.put("model_type", "qwen2");
        e = assertThrows(SamException.class, () -> ModelConfig.fromJson(j, "cfg"));
        assertTrue(e.getMessage().contains("multiple of num_key_value_heads"), e.getMessage());
        j.put("num_key_value_heads", 2);
        ObjectNode q = j.putObject("quantization");
        q.put("group_size", 48).put("bits", 7);
        e = assertThrows(SamException.class, () -> ModelConfig.fromJson(j, "cfg"));
        assertTrue(e.getMessage().contains("bits must be") && e.getMessage().contains("group_size must be"),
                e.getMessage());
    }

    @Test
    void perModuleQuantizationOverrides() {
        ObjectNode j = ModelShapes.get("qwen2.5-coder-0.5b").toJson();
        ObjectNode q = j.putObject("quantization");
        q.put("group_size", 64).put("bits", 4);
        q.put("model.embed_tokens", false);
        q.putObject("model.layers.0.mlp.down_proj").put("group_size", 32).put("bits", 8);
        Quantization parsed = ModelConfig.fromJson(j, "cfg").quantization();
        assertFalse(parsed.forModule("model.embed_tokens").isPresent());
        assertEquals(8, parsed.forModule("model.layers.0.mlp.down_proj").orElseThrow().bits());
        assertEquals(4, parsed.forModule("model.layers.1.mlp.down_proj").orElseThrow().bits());
    }
}
