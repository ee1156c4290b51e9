package dev.sam.train.nativelib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test oracle: HF transformers' Qwen2 forward (modeling_qwen2.py) written with PyTorch ops through
 * DJL, in float64, with mlx-lm LoRA (y = x W^T + b + scale * (x A) B). Autograd gives the LoRA
 * gradients that the native trainer's hand-written backward must match. Written independently of
 * native/ on purpose: only the conventions of HF and mlx-lm are shared.
 */
final class Qwen2Reference {
    private final NDManager nd;
    private final Map<String, NDArray> w = new LinkedHashMap<>();
    private final int hidden;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final double theta;
    private final double eps;

    /** LoRA tensors by mlx-lm name (…lora_a / …lora_b), float64, requiring gradients. */
    final Map<String, NDArray> lora = new LinkedHashMap<>();
    double loraScale;

    Qwen2Reference(NDManager nd, Map<String, float[]> weights, Map<String, long[]> shapes, int hidden, int layers,
                   int heads, int kvHeads, double theta, double eps) {
        this.nd = nd;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = hidden / heads;
        this.theta = theta;
        this.eps = eps;
        weights.forEach((k, v) -> w.put(k, nd.create(v, new Shape(shapes.get(k))).toType(DataType.FLOAT64, false)));
    }

    void addLora(String name, float[] values, int rows, int cols) {
        NDArray a = nd.create(values, new Shape(rows, cols)).toType(DataType.FLOAT64, false);
        a.setRequiresGradient(true);
        lora.put(name, a);
    }

    /** Mean cross-entropy over targets t with mask[t] == 1 (t >= 1), as a scalar NDArray. */
    NDArray loss(int[] ids, byte[] mask) {
        NDArray logits = logits(ids); // [T, V]
        int t = ids.length;
        NDArray logp = logits.get(new NDIndex("0:" + (t - 1))).logSoftmax(1); // predicts ids[1:]
        int v = (int) logits.getShape().get(1);
        double[] pick = new double[(t - 1) * v];
        int n = 0;
        for (int i = 1; i < t; i++) {
            if (mask[i] != 0) {
                pick[(i - 1) * v + ids[i]] = 1;
                n++;
            }
        }
        NDArray sel = nd.create(pick, new Shape(t - 1, v));
        return logp.mul(sel).sum().neg().div(n);
    }

    NDArray logits(int[] ids) {
        int t = ids.length;
        NDArray emb = w.get("model.embed_tokens.weight");
        NDArray h = emb.get(nd.create(ids)); // [T, H]
        NDArray[] cs = rope(t);
        NDArray mask = causalMask(t);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            NDArray x = rms(h, w.get(p + "input_layernorm.weight"));
            NDArray q = linear(x, p + "self_attn.q_proj").reshape(t, heads, headDim).transpose(1, 0, 2);
            NDArray k = linear(x, p + "self_attn.k_proj").reshape(t, kvHeads, headDim).transpose(1, 0, 2);
            NDArray v = linear(x, p + "self_attn.v_proj").reshape(t, kvHeads, headDim).transpose(1, 0, 2);
            q = applyRope(q, cs[0], cs[1]);
            k = applyRope(k, cs[0], cs[1]);
            k = repeatKv(k);
            v = repeatKv(v);
            NDArray att = q.matMul(k.transpose(0, 2, 1)).div(Math.sqrt(headDim)).add(mask).softmax(2);
            NDArray o = att.matMul(v).transpose(1, 0, 2).reshape(t, hidden);
            h = h.add(linear(o, p + "self_attn.o_proj"));
            NDArray x2 = rms(h, w.get(p + "post_attention_layernorm.weight"));
            NDArray gate = linear(x2, p + "mlp.gate_proj");
            NDArray up = linear(x2, p + "mlp.up_proj");
            NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
            h = h.add(linear(act, p + "mlp.down_proj"));
        }
        h = rms(h, w.get("model.norm.weight"));
        NDArray head = w.containsKey("lm_head.weight") ? w.get("lm_head.weight") : emb;
        return h.matMul(head.transpose());
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
        return x.div(var.add(eps).sqrt()).mul(weight);
    }

    /** cos, sin [T, headDim] with HF's layout emb = cat(freqs, freqs). */
    private NDArray[] rope(int t) {
        int half = headDim / 2;
        double[] cos = new double[t * headDim];
        double[] sin = new double[t * headDim];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                double f = pos * invFreq;
                cos[pos * headDim + i] = Math.cos(f);
                cos[pos * headDim + i + half] = Math.cos(f);
                sin[pos * headDim + i] = Math.sin(f);
                sin[pos * headDim + i + half] = Math.sin(f);
            }
        }
        return new NDArray[] {nd.create(cos, new Shape(t, headDim)), nd.create(sin, new Shape(t, headDim))};
    }

    private NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
        int half = headDim / 2;
        NDArray x1 = x.get(new NDIndex(":, :, 0:" + half));
        NDArray x2 = x.get(new NDIndex(":, :, " + half + ":"));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), 2);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /** HF repeat_kv: kv head j serves query heads j*g .. j*g+g-1, g = heads / kvHeads. */
    private NDArray repeatKv(NDArray x) {
        int g = heads / kvHeads;
        if (g == 1) {
            return x;
        }
        NDArray[] parts = new NDArray[heads];
        for (int h = 0; h < heads; h++) {
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
        return nd.create(m, new Shape(t, t));
    }
}
