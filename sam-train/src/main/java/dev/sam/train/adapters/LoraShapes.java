package dev.sam.train.adapters;

import dev.sam.train.model.ModelConfig;
import dev.sam.train.safetensors.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which LoRA tensors an adapter must hold for a base model, and every way the actual ones differ.
 * mlx-lm names them {@code model.layers.N.<key>.lora_a} with shape [in, r] and {@code .lora_b} with
 * shape [r, out], on the last {@code num_layers} layers (mlx-lm {@code tuner/lora.py},
 * {@code linear_to_lora_layers}); in/out of each linear as transformers' {@code modeling_qwen2.py}.
 *
 * <pre>List&lt;String&gt; mismatches = LoraShapes.mismatches(config, base, tensors);</pre>
 */
public final class LoraShapes {
    static final Pattern LORA = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.lora_([ab])");

    private LoraShapes() {
    }

    /** The module keys named by the tensors (for configs that do not list them), sorted. */
    public static List<String> keysOf(Map<String, TensorInfo> tensors) {
        Set<String> keys = new TreeSet<>();
        for (String name : tensors.keySet()) {
            Matcher m = LORA.matcher(name);
            if (m.matches()) {
                keys.add(m.group(2));
            }
        }
        return List.copyOf(keys);
    }

    /**
     * [in, out] of the linear layer at {@code key} (e.g. self_attn.k_proj) of a Qwen2 decoder layer, or
     * null when it is not one: q hidden→heads·head_dim, k/v hidden→kv_heads·head_dim, o heads·head_dim→
     * hidden, gate/up hidden→intermediate, down intermediate→hidden.
     */
    public static long[] inOut(ModelConfig b, String key) {
        long q = (long) b.numAttentionHeads() * b.headDim();
        long kv = (long) b.numKeyValueHeads() * b.headDim();
        return switch (key) {
            case "self_attn.q_proj" -> new long[] {b.hiddenSize(), q};
            case "self_attn.k_proj", "self_attn.v_proj" -> new long[] {b.hiddenSize(), kv};
            case "self_attn.o_proj" -> new long[] {q, b.hiddenSize()};
            case "mlp.gate_proj", "mlp.up_proj" -> new long[] {b.hiddenSize(), b.intermediateSize()};
            case "mlp.down_proj" -> new long[] {b.intermediateSize(), b.hiddenSize()};
            default -> null;
        };
    }

    /** Expected tensor name → shape, in layer order; empty when the config does not fit the base. */
    public static Map<String, long[]> expected(AdapterConfig c, ModelConfig base) {
        Map<String, long[]> out = new LinkedHashMap<>();
        int layers = base.numHiddenLayers();
        int n = c.numLayers() == -1 ? layers : c.numLayers();
        if (n > layers) {
            return out;
        }
        for (int l = layers - n; l < layers; l++) {
            for (String key : c.keys()) {
                long[] io = inOut(base, key);
                if (io != null) {
                    String p = "model.layers." + l + "." + key;
                    out.put(p + ".lora_a", new long[] {io[0], c.rank()});
                    out.put(p + ".lora_b", new long[] {c.rank(), io[1]});
                }
            }
        }
        return out;
    }

    /** Every mismatch between the adapter's tensors and what the config and base model require. */
    public static List<String> mismatches(AdapterConfig c, BaseModel base, Map<String, TensorInfo> tensors) {
        ModelConfig b = base.config();
        List<String> out = new ArrayList<>();
        int layers = b.numHiddenLayers();
        if (c.numLayers() > layers) {
            out.add("num_layers " + c.numLayers() + " exceeds the " + layers + " layers of base model " + base.name());
        }
        for (String key : c.keys()) {
            if (inOut(b, key) == null) {
                out.add("key \"" + key + "\" is not a linear layer of a qwen2 decoder layer"
                        + " (expected self_attn.{q,k,v,o}_proj or mlp.{gate,up,down}_proj)");
            }
        }
        Map<String, long[]> want = expected(c, b);
        for (Map.Entry<String, long[]> e : want.entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            String shape = Arrays.toString(e.getValue());
            if (t == null) {
                out.add("missing " + e.getKey() + " " + shape);
            } else if (!t.hasShape(e.getValue())) {
                out.add(e.getKey() + " has shape " + t.shapeString() + ", base model " + base.name() + " with rank "
                        + c.rank() + " needs " + shape);
            } else if (!t.dtype().isFloat()) {
                out.add(e.getKey() + " has dtype " + t.dtype() + ", expected a float type (F32, F16, BF16)");
            }
        }
        int first = layers - (c.numLayers() == -1 ? layers : Math.min(c.numLayers(), layers));
        for (TensorInfo t : tensors.values()) {
            if (want.containsKey(t.name())) {
                continue;
            }
            Matcher m = LORA.matcher(t.name());
            if (m.matches() && Integer.parseInt(m.group(1)) >= layers) {
                out.add("unexpected " + t.name() + ": base model " + base.name() + " has layers 0.." + (layers - 1));
            } else if (m.matches() && Integer.parseInt(m.group(1)) < first) {
                out.add("unexpected " + t.name() + ": num_layers " + c.numLayers() + " adapts layers " + first + ".."
                        + (layers - 1));
            } else if (m.matches() && !c.keys().contains(m.group(2))) {
                out.add("unexpected " + t.name() + ": \"" + m.group(2) + "\" is not in lora_parameters.keys");
            } else if (!m.matches()) {
                out.add("unexpected tensor " + t.name() + " (an mlx-lm LoRA adapter holds only "
                        + "model.layers.N.<module>.lora_a/lora_b)");
            }
        }
        return out;
    }

    /** Parameters the config declares for this base: Σ over adapted layers and keys of r·(in + out). */
    public static long parameters(AdapterConfig c, ModelConfig b) {
        long n = 0;
        for (long[] shape : expected(c, b).values()) {
            n += shape[0] * shape[1];
        }
        return n;
    }
}
