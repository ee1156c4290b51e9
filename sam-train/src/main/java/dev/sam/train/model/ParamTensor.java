package dev.sam.train.model;

/** One parameter tensor of a Qwen2 model, by its HF name, with its logical (unquantized) shape. */
public record ParamTensor(String name, long[] shape, Kind kind) {

    /** What the tensor is, which decides how it is initialized and whether it is quantized. */
    public enum Kind {
        EMBEDDING, LINEAR, NORM, BIAS;

        /** mlx-lm quantizes Linear and Embedding modules (nn.quantize's class predicate). */
        public boolean quantizable() {
            return this == EMBEDDING || this == LINEAR;
        }
    }

    /** The module path: the name without ".weight" (e.g. "model.layers.0.self_attn.q_proj"). */
    public String module() {
        return name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : name;
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long rows() {
        return shape.length == 1 ? 1 : shape[0];
    }

    public long cols() {
        return shape[shape.length - 1];
    }
}
