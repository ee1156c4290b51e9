package dev.sam.train.peft;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensor names between mlx-lm and PEFT for a Qwen2 causal LM. mlx-lm stores
 * {@code model.layers.N.self_attn.q_proj.lora_a} {@code [in, r]} and {@code .lora_b} {@code [r, out]} and
 * computes {@code y = W x + scale * ((x @ lora_a) @ lora_b)} (mlx-lm {@code tuner/lora.py}); PEFT stores
 * {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight} {@code [r, in]} and
 * {@code lora_B.weight} {@code [out, r]} (both {@code nn.Linear} weights) and computes
 * {@code y = W x + (lora_alpha / r) * lora_B(lora_A(x))} (peft {@code tuners/lora/layer.py}). The keys
 * get PEFT's {@code base_model.model.} prefix (PeftModel wraps LoraModel wraps the transformers model;
 * docs/source/developer_guides/checkpoint.md), and each matrix is transposed.
 *
 * <pre>PeftNames.Parsed p = PeftNames.parseMlx("model.layers.3.self_attn.q_proj.lora_a");</pre>
 */
public final class PeftNames {
    public static final String PREFIX = "base_model.model.";
    private static final Pattern MLX = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.lora_([ab])");

    private PeftNames() {
    }

    /** An mlx-lm LoRA tensor name taken apart: layer index, module path in the layer, a or b. */
    public record Parsed(int layer, String module, boolean isA) {
        /** PEFT's key for the same matrix. */
        public String peftName() {
            return PREFIX + "model.layers." + layer + "." + module + (isA ? ".lora_A.weight" : ".lora_B.weight");
        }

        /** The module's short name as PEFT's target_modules lists it, e.g. q_proj. */
        public String targetModule() {
            return module.substring(module.lastIndexOf('.') + 1);
        }
    }

    /** The parts of an mlx-lm LoRA tensor name, or null when {@code name} is not one. */
    public static Parsed parseMlx(String name) {
        Matcher m = MLX.matcher(name);
        return m.matches() ? new Parsed(Integer.parseInt(m.group(1)), m.group(2), m.group(3).equals("a")) : null;
    }

    /** Row-major {@code [rows, cols]} → {@code [cols, rows]}. */
    public static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }
}
