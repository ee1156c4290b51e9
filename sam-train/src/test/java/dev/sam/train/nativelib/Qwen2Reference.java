package dev.sam.train.nativelib;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one PyTorch Qwen2: HF transformers' Qwen2 forward (modeling_qwen2.py, eager attention) written with
 * PyTorch ops through DJL, with mlx-lm LoRA ({@code y = x Wᵀ + b + scale·(x A) B}), in the dtype asked
 * for. Autograd gives the LoRA gradients (the base does not require gradients). It is the test oracle in
 * float64 ({@code PyTorchOracleTest}: the native trainer's hand-written backward must match it) and the
 * benchmark's PyTorch peer in float32 at the real shape (sam-bench's {@code TorchQwen2} loads the weights
 * into it); written independently of native/ on purpose: only the conventions of HF and mlx-lm are shared.
 * Batch of one sequence.
 *
 * <pre>Qwen2Reference m = new Qwen2Reference(nd, config, DataType.FLOAT64, 2.0); m.weight(name, a); m.loss(ids, null);</pre>
 */
public final class Qwen2Reference {
    private final NDManager nd;
    private final ModelConfig c;
    private final DataType dtype;
    private final double loraScale;
    private final Map<String, NDArray> w = new HashMap<>();
    /** LoRA tensors by mlx-lm name (…lora_a / …lora_b), in the model's dtype, requiring gradients. */
    public final Map<String, NDArray> lora = new LinkedHashMap<>();
    private NDArray[] rope;
    private NDArray mask;
    /** Scalar operands, kept for the model's lifetime: see {@link #scalar}. */
    private final Map<Double, NDArray> scalars = new HashMap<>();

    public Qwen2Reference(NDManager nd, ModelConfig c, DataType dtype, double loraScale) {
        this.nd = nd;
        this.c = c;
        this.dtype = dtype;
        this.loraScale = loraScale;
    }

    /** A base tensor by its HF name (converted to the model's dtype; a vector stays one). */
    public void weight(String name, NDArray a) {
        w.put(name, a.getDataType() == dtype ? a : a.toType(dtype, false));
    }

    public void addLora(String name, float[] values, int rows, int cols) {
        NDArray a = nd.create(values, new Shape(rows, cols));
        a = a.getDataType() == dtype ? a : a.toType(dtype, false);
        a.setRequiresGradient(true);
        lora.put(name, a);
    }

    /**
     * Mean cross-entropy over the targets t ≥ 1 with {@code mask[t] == 1} (all of them when mask is null),
     * as a scalar NDArray.
     */
    public NDArray loss(int[] ids, byte[] scored) {
        int t = ids.length;
        NDArray h = hidden(ids).get(new NDIndex("0:" + (t - 1))); // positions predicting ids[1:]
        NDArray emb = w.get("model.embed_tokens.weight");
        NDArray head = w.containsKey("lm_head.weight") ? w.get("lm_head.weight") : emb;
        NDArray logp = h.matMul(head.transpose()).logSoftmax(1);
        long[] tgt = new long[t - 1];
        for (int i = 1; i < t; i++) {
            tgt[i - 1] = ids[i];
        }
        NDArray picked = logp.gather(nd.create(tgt, new Shape(t - 1, 1)), 1).neg();
        if (scored == null) {
            return picked.mean();
        }
        double[] m = new double[t - 1];
        int n = 0;
        for (int i = 1; i < t; i++) {
            m[i - 1] = scored[i];
            n += scored[i];
        }
        NDArray weights = nd.create(m, new Shape(t - 1, 1)).toType(dtype, false);
        return picked.mul(weights).sum().div(scalar(n)); // not div(n): see scalar()
    }

    /** Final-norm hidden states [T, C]. */
    public NDArray hidden(int[] ids) {
        int t = ids.length;
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
                h = layer(h, l, t);
                NDScope.unregister(h);
            }
            NDScope.register(h);
            NDScope.unregister(in);
            in.close();
        }
        return rms(h, w.get("model.norm.weight"));
    }

    /** One decoder layer (HF Qwen2DecoderLayer) on h [T, C]. */
    private NDArray layer(NDArray h, int l, int t) {
        int heads = c.numAttentionHeads();
        int d = c.headDim();
        String p = "model.layers." + l + ".";
        NDArray x = rms(h, w.get(p + "input_layernorm.weight"));
        NDArray q = linear(x, p + "self_attn.q_proj").reshape(t, heads, d).transpose(1, 0, 2);
        NDArray k = linear(x, p + "self_attn.k_proj").reshape(t, c.numKeyValueHeads(), d).transpose(1, 0, 2);
        NDArray v = linear(x, p + "self_attn.v_proj").reshape(t, c.numKeyValueHeads(), d).transpose(1, 0, 2);
        q = applyRope(q);
        k = repeatKv(applyRope(k));
        v = repeatKv(v);
        NDArray att = q.matMul(k.transpose(0, 2, 1)).div(scalar(Math.sqrt(d))).add(mask).softmax(2);
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
            y = y.add(x.matMul(a).matMul(lora.get(name + ".lora_b")).mul(scalar(loraScale)));
        }
        return y;
    }

    private NDArray rms(NDArray x, NDArray weight) {
        NDArray var = x.pow(scalar(2)).mean(new int[] {-1}, true);
        return x.div(var.add(scalar(c.rmsNormEps())).sqrt()).mul(weight);
    }

    /**
     * A 0-d float64 tensor holding {@code v}, as DJL's {@code op(Number)} would create it — but owned by the
     * model instead of the current scope. DJL's PyTorch engine builds such a scalar with {@code from_blob}
     * over a Java direct buffer, and autograd saves it for backward (the divisor of div, the factor of mul,
     * the exponent of pow). Created inside {@link #layer}'s scope, it was closed when the layer ended, long
     * before backward ran; a garbage collection in between freed the buffer, and backward read freed memory:
     * a NaN in the gradients of q/k and everything below, depending on GC timing. The same held for the
     * loss's own {@code div(n)} and the oracle tests' {@code mul(Number)} / {@code div(Number)} after it: in
     * a JVM whose heap had been used by another test class first, a collection fell between forward and
     * backward often enough to make a q_proj LoRA-A gradient wrong (PyTorchOracleTest then
     * PreferenceOracleTest, in that order, failed every time). Callers outside the model use this too.
     */
    NDArray scalar(double v) {
        return scalars.computeIfAbsent(v, k -> {
            NDArray a = nd.create(k.doubleValue());
            NDScope.unregister(a);
            return a;
        });
    }

    /** cos, sin [T, D] in HF's layout emb = cat(freqs, freqs), computed in double, stored in the dtype. */
    private NDArray[] rope(int t) {
        int d = c.headDim();
        int half = d / 2;
        double[] cos = new double[t * d];
        double[] sin = new double[t * d];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < half; i++) {
                double f = pos / Math.pow(c.ropeTheta(), (2.0 * i) / d);
                cos[pos * d + i] = cos[pos * d + i + half] = Math.cos(f);
                sin[pos * d + i] = sin[pos * d + i + half] = Math.sin(f);
            }
        }
        NDArray cs = nd.create(cos, new Shape(t, d)).toType(dtype, false);
        NDArray sn = nd.create(sin, new Shape(t, d)).toType(dtype, false);
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
        double[] m = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = Double.NEGATIVE_INFINITY;
            }
        }
        NDArray a = nd.create(m, new Shape(t, t)).toType(dtype, false);
        NDScope.unregister(a);
        return a;
    }
}
