package dev.sam.train.model;

import dev.sam.core.SamException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named model shapes: the Qwen2.5-Coder family as published (config.json of Qwen/Qwen2.5-Coder-*-Instruct)
 * and SAM's tiny test model. Used by {@code sam model random --shape} and to label models in {@code sam models}.
 */
public final class ModelShapes {
    private static final Map<String, ModelConfig> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("qwen2.5-coder-0.5b", qwen(896, 24, 14, 2, 4864, 151936, true));
        SHAPES.put("qwen2.5-coder-1.5b", qwen(1536, 28, 12, 2, 8960, 151936, true));
        SHAPES.put("qwen2.5-coder-3b", qwen(2048, 36, 16, 2, 11008, 151936, true));
        SHAPES.put("qwen2.5-coder-7b", qwen(3584, 28, 28, 4, 18944, 152064, false));
    }

    private ModelShapes() {
    }

    private static ModelConfig qwen(int hidden, int layers, int heads, int kv, int inter, int vocab, boolean tied) {
        return new ModelConfig(hidden, layers, heads, kv, hidden / heads, inter, vocab, 1_000_000.0, 1e-6, tied,
                32768, "bfloat16", null);
    }

    /** The names of {@link #get}. */
    public static java.util.Set<String> names() {
        return SHAPES.keySet();
    }

    /** The named shape (torch_dtype bfloat16, unquantized), or a usage error listing the names. */
    public static ModelConfig get(String name) {
        ModelConfig c = SHAPES.get(name.toLowerCase(java.util.Locale.ROOT));
        if (c == null) {
            throw SamException.usage("unknown model shape '" + name + "'",
                    "use one of " + String.join(", ", SHAPES.keySet()));
        }
        return c;
    }

    /** The preset name whose network shape equals {@code c}'s, else a short description. */
    public static String describe(ModelConfig c) {
        for (var e : SHAPES.entrySet()) {
            ModelConfig s = e.getValue();
            if (s.hiddenSize() == c.hiddenSize() && s.numHiddenLayers() == c.numHiddenLayers()
                    && s.numAttentionHeads() == c.numAttentionHeads() && s.numKeyValueHeads() == c.numKeyValueHeads()
                    && s.intermediateSize() == c.intermediateSize() && s.vocabSize() == c.vocabSize()
                    && s.tieWordEmbeddings() == c.tieWordEmbeddings()) {
                return e.getKey();
            }
        }
        return "qwen2 h" + c.hiddenSize() + " x" + c.numHiddenLayers() + "L " + c.numAttentionHeads() + "/"
                + c.numKeyValueHeads() + " heads v" + c.vocabSize();
    }
}
