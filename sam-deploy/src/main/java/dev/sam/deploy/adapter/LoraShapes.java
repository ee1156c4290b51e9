package dev.sam.deploy.adapter;

import java.util.ArrayList;
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
 * {@code linear_to_lora_layers}).
 *
 * <pre>List&lt;String&gt; mismatches = LoraShapes.mismatches(config, base, tensors);</pre>
 */
public final class LoraShapes {
    static final Pattern LORA = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)\\.lora_([ab])");
    private static final Set<String> FLOAT = Set.of("F32", "F16", "BF16", "F64");

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

    /** Expected tensor name → shape, in layer order; empty when the config does not fit the base. */
    public static Map<String, List<Long>> expected(AdapterConfig c, BaseModelConfig base) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        int layers = base.numHiddenLayers();
        int n = c.numLayers() == -1 ? layers : c.numLayers();
        if (n > layers) {
            return out;
        }
        for (int l = layers - n; l < layers; l++) {
            for (String key : c.keys()) {
                long[] io = base.inOut(key);
                if (io != null) {
                    String p = "model.layers." + l + "." + key;
                    out.put(p + ".lora_a", List.of(io[0], (long) c.rank()));
                    out.put(p + ".lora_b", List.of((long) c.rank(), io[1]));
                }
            }
        }
        return out;
    }

    /** Every mismatch between the adapter's tensors and what the config and base model require. */
    public static List<String> mismatches(AdapterConfig c, BaseModel base, Map<String, TensorInfo> tensors) {
        BaseModelConfig b = base.config();
        List<String> out = new ArrayList<>();
        int layers = b.numHiddenLayers();
        if (c.numLayers() > layers) {
            out.add("num_layers " + c.numLayers() + " exceeds the " + layers + " layers of base model " + base.name());
        }
        for (String key : c.keys()) {
            if (b.inOut(key) == null) {
                out.add("key \"" + key + "\" is not a linear layer of a " + b.modelType()
                        + " decoder layer (expected self_attn.{q,k,v,o}_proj or mlp.{gate,up,down}_proj)");
            }
        }
        Map<String, List<Long>> want = expected(c, b);
        for (Map.Entry<String, List<Long>> e : want.entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (t == null) {
                out.add("missing " + e.getKey() + " " + e.getValue());
            } else if (!t.shape().equals(e.getValue())) {
                out.add(e.getKey() + " has shape " + t.shape() + ", base model " + base.name() + " with rank "
                        + c.rank() + " needs " + e.getValue());
            } else if (!FLOAT.contains(t.dtype())) {
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
    public static long parameters(AdapterConfig c, BaseModelConfig b) {
        long n = 0;
        for (List<Long> shape : expected(c, b).values()) {
            n += shape.get(0) * shape.get(1);
        }
        return n;
    }
}
