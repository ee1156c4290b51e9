package dev.sam.bench;

import dev.sam.train.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytic model FLOPs of one LoRA training micro-batch of a Qwen2 decoder: the work a trainer must do,
 * independent of how it does it. Counted (multiply-add = 2 FLOPs, GEMMs only; norms, RoPE, softmax and
 * elementwise ops are not counted):
 * <ul>
 *   <li>forward of all L layers over B·T tokens: the seven projections and attention (QKᵀ and PV over the
 *       full T×T square, as both implementations compute it);</li>
 *   <li>lm_head forward over the S scored positions;</li>
 *   <li>backward of the last La layers: input gradients through the frozen projections (none for q/k/v of
 *       the lowest adapted layer, whose input gradient nobody needs), attention backward (4 GEMMs: dP, dV,
 *       dQ, dK) and the LoRA gradients; lm_head backward (input gradient only, the head is frozen);</li>
 *   <li>LoRA forward (x·A, then ·B) and backward (dA, dB, and the input gradient through A and B).</li>
 * </ul>
 * Recomputation for activation checkpointing is not useful work and is not counted.
 *
 * <pre>double gflop = FlopModel.of(config, 1, 512, 511, 8, 4, targets).total() / 1e9;</pre>
 */
public record FlopModel(ModelConfig model, int batch, int seq, long scored, int adaptedLayers, int rank,
                        List<String> targets) {

    public static final String FORMULA = String.join("\n",
            "N = B*T tokens, S scored targets, L layers, La adapted (last) layers, r LoRA rank",
            "lin   = 2*N*(C*HD + 2*C*KVD + HD*C + 3*C*I)            projections of one layer",
            "att   = 2*2*B*T*T*D*H                                  QK^T and PV of one layer (full TxT)",
            "qkv   = 2*N*(C*HD + 2*C*KVD)                           q/k/v part of lin",
            "head  = 2*S*C*V                                        lm_head over the scored positions",
            "lora  = sum over adapted modules m of 2*N*r*(in_m + out_m)",
            "total = L*(lin + att) + head                           forward",
            "      + La*(lin + 2*att) - qkv + head                  backward (input grads; none below the lowest q/k/v)",
            "      + 3*lora                                         LoRA forward + backward",
            "MFU   = total / seconds_per_micro_batch / measured fp32 GEMM peak of the backend in use");

    public static FlopModel of(ModelConfig model, int batch, int seq, long scored, int adaptedLayers, int rank,
                               List<String> targets) {
        int la = adaptedLayers < 0 ? model.numHiddenLayers() : Math.min(adaptedLayers, model.numHiddenLayers());
        return new FlopModel(model, batch, seq, scored, la, rank, List.copyOf(targets));
    }

    private double n() {
        return (double) batch * seq;
    }

    private double hd() {
        return (double) model.numAttentionHeads() * model.headDim();
    }

    private double kvd() {
        return (double) model.numKeyValueHeads() * model.headDim();
    }

    /** Projections of one layer, forward. */
    public double linear() {
        double c = model.hiddenSize();
        double i = model.intermediateSize();
        return 2 * n() * (c * hd() + 2 * c * kvd() + hd() * c + 3 * c * i);
    }

    /** Attention GEMMs of one layer, forward. */
    public double attention() {
        return 2.0 * 2.0 * batch * (double) seq * seq * model.headDim() * model.numAttentionHeads();
    }

    public double qkv() {
        double c = model.hiddenSize();
        return 2 * n() * (c * hd() + 2 * c * kvd());
    }

    public double head() {
        return 2.0 * scored * model.hiddenSize() * (double) model.vocabSize();
    }

    /** LoRA forward of all adapted modules. */
    public double lora() {
        double c = model.hiddenSize();
        double i = model.intermediateSize();
        double perLayer = 0;
        for (String t : targets) {
            double[] io = switch (t) {
                case "q_proj" -> new double[] {c, hd()};
                case "k_proj", "v_proj" -> new double[] {c, kvd()};
                case "o_proj" -> new double[] {hd(), c};
                case "gate_proj", "up_proj" -> new double[] {c, i};
                case "down_proj" -> new double[] {i, c};
                default -> throw new IllegalArgumentException("unknown LoRA target " + t);
            };
            perLayer += 2 * n() * rank * (io[0] + io[1]);
        }
        return perLayer * adaptedLayers;
    }

    public double forward() {
        return model.numHiddenLayers() * (linear() + attention()) + head();
    }

    public double backward() {
        return adaptedLayers * (linear() + 2 * attention()) - qkv() + head();
    }

    /** Model FLOPs of one micro-batch. */
    public double total() {
        return forward() + backward() + 3 * lora();
    }

    /** What the checkpointing trainer recomputes on top (for information; not useful work). */
    public double recompute() {
        return adaptedLayers * (linear() + attention());
    }

    /** The terms, in GFLOP, for the results file. */
    public Map<String, Double> terms() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("layer_linear", linear() / 1e9);
        m.put("layer_attention", attention() / 1e9);
        m.put("qkv_lowest", qkv() / 1e9);
        m.put("head", head() / 1e9);
        m.put("lora_forward", lora() / 1e9);
        m.put("forward", forward() / 1e9);
        m.put("backward", backward() / 1e9);
        m.put("total", total() / 1e9);
        m.put("recompute_not_counted", recompute() / 1e9);
        return m;
    }
}
