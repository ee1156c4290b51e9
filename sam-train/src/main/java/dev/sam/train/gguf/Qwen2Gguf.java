package dev.sam.train.gguf;

import dev.sam.train.fuse.FusedModel;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's view of a Qwen2 model (architecture "qwen2"): the hyperparameter keys and tensor names
 * that convert_hf_to_gguf.py writes for Qwen2ForCausalLM (gguf-py tensor_mapping.py / constants.py) —
 * token_embd, blk.N.attn_norm, attn_q/k/v (+ bias), attn_output, ffn_norm, ffn_gate/up/down, output_norm,
 * output (only when the embeddings are not tied; llama.cpp then reuses token_embd). Qwen2 needs no
 * reordering of q/k rows (llama.cpp runs its NEOX rope, which is HF's rotate_half), so every tensor is
 * the HF matrix [out, in] as is, with ggml dims {in, out}. Types as the converter picks them: 1-D
 * tensors (norms, biases) F32; matrices F16, Q8_0 or Q4_0, the block types falling back to F16 for a row length that is
 * not a multiple of 32.
 */
public final class Qwen2Gguf {
    /** llama_ftype values for general.file_type (llama.h). */
    public static final Map<GgmlType, Integer> FILE_TYPE = Map.of(GgmlType.F32, 0, GgmlType.F16, 1, GgmlType.Q4_0, 2,
            GgmlType.Q8_0, 7);
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> IN_LAYER = Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"));

    private Qwen2Gguf() {
    }

    /** llama.cpp's name for an HF Qwen2 tensor name. */
    public static String name(String hf) {
        switch (hf) {
            case "model.embed_tokens.weight":
                return "token_embd.weight";
            case "model.norm.weight":
                return "output_norm.weight";
            case "lm_head.weight":
                return "output.weight";
            default:
                Matcher m = LAYER.matcher(hf);
                String in = m.matches() ? IN_LAYER.get(m.group(2)) : null;
                if (in == null) {
                    throw new IllegalArgumentException("no llama.cpp name for " + hf);
                }
                return "blk." + m.group(1) + "." + in;
        }
    }

    /** The converter's type for a tensor when the file's type is {@code type}. */
    static GgmlType typeOf(ParamTensor t, GgmlType type) {
        if (t.shape().length == 1 || type == GgmlType.F32) {
            return GgmlType.F32;
        }
        return (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) && t.cols() % Q8_0.BLOCK != 0 ? GgmlType.F16 : type;
    }

    /** Every tensor of the model in llama.cpp's order (embedding, blocks 0..N-1, final norm, output). */
    public static List<GgufTensor> tensors(FusedModel m, GgmlType type) {
        List<ParamTensor> all = new ArrayList<>(m.config().tensors());
        all.sort(java.util.Comparator.comparingInt(Qwen2Gguf::order));
        List<GgufTensor> out = new ArrayList<>();
        for (ParamTensor t : all) {
            out.add(new GgufTensor(name(t.name()), t.rows(), t.cols(), t.shape().length == 1, typeOf(t, type),
                    m.rows(t)));
        }
        return out;
    }

    private static int order(ParamTensor t) {
        Matcher m = LAYER.matcher(t.name());
        if (m.matches()) {
            return 1 + Integer.parseInt(m.group(1)) * 100 + layerOrder(m.group(2));
        }
        return t.name().equals("model.embed_tokens.weight") ? 0 : t.name().equals("model.norm.weight")
                ? Integer.MAX_VALUE - 1 : Integer.MAX_VALUE;
    }

    private static final List<String> LAYER_ORDER = List.of("input_layernorm.weight", "self_attn.q_proj.weight",
            "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight",
            "self_attn.v_proj.bias", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
            "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight");

    private static int layerOrder(String inLayer) {
        return LAYER_ORDER.indexOf(inLayer);
    }

    /** general.* and qwen2.* keys (before the tokenizer's). */
    public static GgufMetadata metadata(ModelConfig c, String name, GgmlType type) {
        GgufMetadata m = new GgufMetadata()
                .string("general.architecture", "qwen2")
                .string("general.type", "model")
                .string("general.name", name)
                .u32("general.file_type", FILE_TYPE.get(type))
                .u32("general.quantization_version", 2)
                .u32("general.alignment", GgufWriter.ALIGNMENT)
                .u32("qwen2.block_count", c.numHiddenLayers())
                .u32("qwen2.context_length", c.maxPositionEmbeddings())
                .u32("qwen2.embedding_length", c.hiddenSize())
                .u32("qwen2.feed_forward_length", c.intermediateSize())
                .u32("qwen2.attention.head_count", c.numAttentionHeads())
                .u32("qwen2.attention.head_count_kv", c.numKeyValueHeads())
                .f32("qwen2.rope.freq_base", (float) c.ropeTheta())
                .f32("qwen2.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        if (c.headDim() != c.hiddenSize() / c.numAttentionHeads()) {
            m.u32("qwen2.attention.key_length", c.headDim()).u32("qwen2.attention.value_length", c.headDim());
        }
        return m;
    }
}
