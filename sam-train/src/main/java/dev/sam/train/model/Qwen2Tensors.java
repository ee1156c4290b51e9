package dev.sam.train.model;

import dev.sam.train.model.ParamTensor.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The parameter tensors of transformers' Qwen2ForCausalLM for a config: names, logical shapes
 * ({@code [out, in]} for linears, as HF stores them) and kinds. q/k/v projections have biases, o_proj
 * and the MLP do not; {@code lm_head.weight} exists only when the embeddings are not tied.
 */
final class Qwen2Tensors {
    private Qwen2Tensors() {
    }

    static List<ParamTensor> of(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        List<ParamTensor> out = new ArrayList<>();
        out.add(new ParamTensor("model.embed_tokens.weight", new long[] {c.vocabSize(), h}, Kind.EMBEDDING));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            out.add(new ParamTensor(p + "input_layernorm.weight", new long[] {h}, Kind.NORM));
            out.add(new ParamTensor(p + "self_attn.q_proj.weight", new long[] {q, h}, Kind.LINEAR));
            out.add(new ParamTensor(p + "self_attn.q_proj.bias", new long[] {q}, Kind.BIAS));
            out.add(new ParamTensor(p + "self_attn.k_proj.weight", new long[] {kv, h}, Kind.LINEAR));
            out.add(new ParamTensor(p + "self_attn.k_proj.bias", new long[] {kv}, Kind.BIAS));
            out.add(new ParamTensor(p + "self_attn.v_proj.weight", new long[] {kv, h}, Kind.LINEAR));
            out.add(new ParamTensor(p + "self_attn.v_proj.bias", new long[] {kv}, Kind.BIAS));
            out.add(new ParamTensor(p + "self_attn.o_proj.weight", new long[] {h, q}, Kind.LINEAR));
            out.add(new ParamTensor(p + "post_attention_layernorm.weight", new long[] {h}, Kind.NORM));
            out.add(new ParamTensor(p + "mlp.gate_proj.weight", new long[] {inter, h}, Kind.LINEAR));
            out.add(new ParamTensor(p + "mlp.up_proj.weight", new long[] {inter, h}, Kind.LINEAR));
            out.add(new ParamTensor(p + "mlp.down_proj.weight", new long[] {h, inter}, Kind.LINEAR));
        }
        out.add(new ParamTensor("model.norm.weight", new long[] {h}, Kind.NORM));
        if (!c.tieWordEmbeddings()) {
            out.add(new ParamTensor("lm_head.weight", new long[] {c.vocabSize(), h}, Kind.LINEAR));
        }
        out.sort(Comparator.comparing(ParamTensor::name));
        return List.copyOf(out);
    }
}
