package dev.sam.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch peer: HF transformers' Qwen2 forward (modeling_qwen2.py, eager attention) in float32 with
 * PyTorch ops through DJL, frozen base weights and mlx-lm LoRA ({@code y = x Wᵀ + b + scale·(x A) B}) —
 * the float32, real-shape sibling of sam-train's float64 test oracle. Autograd computes only what the
 * LoRA gradients need (the base does not require gradients). Batch of one sequence.
 *
 * <pre>TorchQwen2 m = TorchQwen2.load(nd, reader); NDArray loss = m.loss(ids);</pre>
 */
public final class TorchQwen2 {
    private final NDManager nd;
    private final ModelConfig c;
    private final Map<String, NDArray> w = new HashMap<>();
    /** LoRA tensors by mlx-lm name (…lora_a / …lora_b), float32, requiring gradients. */
    final Map<String, NDArray> lora = new LinkedHashMap<>();
    private final double loraScale;
    private NDArray[] rope;
    private NDArray mask;

    private TorchQwen2(NDManager nd, ModelConfig c, double loraScale) {
        this.nd = nd;
        this.c = c;
        this.loraScale = loraScale;
    }

    /** Reads every base tensor into fp32 NDArrays, a block of rows at a time (the Java heap stays small). */
    public static TorchQwen2 load(NDManager nd, WeightReader r, double loraScale) throws IOException {
        TorchQwen2 m = new TorchQwen2(nd, r.config(), loraScale);
        for (ParamTensor t : r.config().tensors()) {
            long rows = t.rows();
            long cols = t.cols();
            NDArray a = nd.zeros(new Shape(rows, cols), DataType.FLOAT32);
            int block = (int) Math.max(1, Math.min(rows, (4L << 20) / cols));
            float[] buf = new float[(int) (block * cols)];
            for (long r0 = 0; r0 < rows; r0 += block) {
                int n = (int) Math.min(block, rows - r0);
                r.rows(t.name(), r0, n, cols, buf);
                float[] part = n == block ? buf : java.util.Arrays.copyOf(buf, (int) (n * cols));
                try (NDArray p = nd.create(part, new Shape(n, cols))) {
                    a.set(new NDIndex(r0 + ":" + (r0 + n)), p);
                }
            }
            m.w.put(t.name(), t.shape().length == 1 ? a.reshape(cols) : a);
        }
        return m;
    }

    public void addLora(String name, float[] values, int rows, int cols) {
        NDArray a = nd.create(values, new Shape(rows, cols));
        a.setRequiresGradient(true);
        lora.put(name, a);
    }

    /** Mean cross-entropy over targets 1..T-1 of one sequence (every target scored). */
    public NDArray loss(int[] ids) {
        int t = ids.length;
        NDArray h = hidden(ids).get(new NDIndex("0:" + (t - 1))); // positions predicting ids[1:]
        NDArray emb = w.get("model.embed_tokens.weight");
        NDArray head = w.containsKey("lm_head.weight") ? w.get("lm_head.weight") : emb;
        NDArray logp = h.matMul(head.transpose()).logSoftmax(1);
        long[] tgt = new long[t - 1];
        for (int i = 1; i < t; i++) {
            tgt[i - 1] = ids[i];
        }
        NDArray idx = nd.create(tgt, new Shape(t - 1, 1));
        return logp.gather(idx, 1).neg().mean();
    }

    /** Final-norm hidden states [T, C]. */
    NDArray hidden(int[] ids) {
        int t = ids.length;
        int heads = c.numAttentionHeads();
        int kv = c.numKeyValueHeads();
        int d = c.headDim();
        if (rope == null || rope[0].getShape().get(0) != t) {
            rope = rope(t);
            mask = causalMask(t);
        }
        NDArray h = w.get("model.embed_tokens.weight").get(nd.create(ids));
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            // Python drops an intermediate as soon as nothing refers to it; DJL keeps every NDArray until
            // its scope closes. One scope per layer gives the same lifetime (autograd keeps what backward needs).
            NDArray in = h;
            try (NDScope layer = new NDScope()) {
                h = layer(h, l, t, heads, kv, d);
                NDScope.unregister(h);
            }
            NDScope.register(h);
            NDScope.unregister(in);
            in.close();
        }
        return rms(h, w.get("model.norm.weight"));
    }

    /** One decoder layer (HF Qwen2DecoderLayer) on h [T, C]. */
    private NDArray layer(NDArray h, int l, int t, int heads, int kv, int d) {
        String p = "model.layers." + l + ".";
        NDArray x = rms(h, w.get(p + "input_layernorm.weight"));
        NDArray q = linear(x, p + "self_attn.q_proj").reshape(t, heads, d).transpose(1, 0, 2);
        NDArray k = linear(x, p + "self_attn.k_proj").reshape(t, kv, d).transpose(1, 0, 2);
        NDArray v = linear(x, p + "self_attn.v_proj").reshape(t, kv, d).transpose(1, 0, 2);
        q = applyRope(q);
        k = repeatKv(applyRope(k));
        v = repeatKv(v);
        NDArray att = q.matMul(k.transpose(0, 2, 1)).div(Math.sqrt(d)).add(mask).softmax(2);
        NDArray o = att.matMul(v).transpose(1, 0, 2).reshape(t, (long) heads * d);
        h = h.add(linear(o, p + "self_attn.o_proj"));
        NDArray x2 = rms(h, w.get(p + "post_attention_layernorm.weight"));
        NDArray gate = linear(x2, p + "mlp.gate_proj");
        NDArray up = linear(x2, p + "mlp.up_proj");
        return h.add(linear(gate.mul(Activation.sigmoid(gate)).mul(up), p + "mlp.down_proj"));
    }

    private NDArray linear(NDArray x, String name) {
        NDArray y = x.matMul(w.get(name + ".weight").transpose());
        NDArray b = w.get(name + ".bias");
        if (b != null) {
            y = y.add(b);
        }
        NDArray a = lora.get(name + ".lora_a");
        if (a != null) {
            y = y.add(x.matMul(a).matMul(lora.get(name + ".lora_b")).mul(loraScale));
        }
        return y;
    }

    private NDArray rms(NDArray x, NDArray weight) {
        NDArray var = x.pow(2).mean(new int[] {-1}, true);
        return x.div(var.add(c.rmsNormEps()).sqrt()).mul(weight);
    }

    /** cos, sin [T, D] in HF's layout emb = cat(freqs, freqs). */
    private NDArray[] rope(int t) {
        int d = c.headDim();
        int half = d / 2;
        float[] cos = new float[t * d];
        float[] sin = new float[t * d];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < half; i++) {
                double f = pos / Math.pow(c.ropeTheta(), (2.0 * i) / d);
                cos[pos * d + i] = cos[pos * d + i + half] = (float) Math.cos(f);
                sin[pos * d + i] = sin[pos * d + i + half] = (float) Math.sin(f);
            }
        }
        NDArray cs = nd.create(cos, new Shape(t, d));
        NDArray sn = nd.create(sin, new Shape(t, d));
        NDScope.unregister(cs, sn);
        return new NDArray[] {cs, sn};
    }

    private NDArray applyRope(NDArray x) {
        int half = c.headDim() / 2;
        NDArray x1 = x.get(new NDIndex(":, :, 0:" + half));
        NDArray x2 = x.get(new NDIndex(":, :, " + half + ":"));
        return x.mul(rope[0]).add(NDArrays.concat(new NDList(x2.neg(), x1), 2).mul(rope[1]));
    }

    /** HF repeat_kv: kv head j serves query heads j*g .. j*g+g-1. */
    private NDArray repeatKv(NDArray x) {
        int g = c.numAttentionHeads() / c.numKeyValueHeads();
        if (g == 1) {
            return x;
        }
        NDArray[] parts = new NDArray[c.numAttentionHeads()];
        for (int h = 0; h < parts.length; h++) {
            parts[h] = x.get(new NDIndex((h / g) + ":" + (h / g + 1)));
        }
        return NDArrays.concat(new NDList(parts), 0);
    }

    private NDArray causalMask(int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        NDArray a = nd.create(m, new Shape(t, t));
        NDScope.unregister(a);
        return a;
    }

    /** The LoRA tensor names and shapes mlx-lm would create for the last {@code layers} layers. */
    public static List<long[]> loraShape(ModelConfig c, String target, int rank) {
        long hd = (long) c.numAttentionHeads() * c.headDim();
        long kvd = (long) c.numKeyValueHeads() * c.headDim();
        long[] io = switch (target) {
            case "q_proj" -> new long[] {c.hiddenSize(), hd};
            case "k_proj", "v_proj" -> new long[] {c.hiddenSize(), kvd};
            case "o_proj" -> new long[] {hd, c.hiddenSize()};
            case "gate_proj", "up_proj" -> new long[] {c.hiddenSize(), c.intermediateSize()};
            case "down_proj" -> new long[] {c.intermediateSize(), c.hiddenSize()};
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        return List.of(new long[] {io[0], rank}, new long[] {rank, io[1]});
    }
}
