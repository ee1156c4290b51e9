package dev.sam.train.model;

import dev.sam.train.safetensors.Dtype;

/**
 * How one parameter tensor is written: as a plain float tensor of {@code dtype}, or, when {@code quant}
 * is set, MLX-quantized into {@code <module>.weight} (U32), {@code .scales} and {@code .biases}.
 */
public record TensorPlan(ParamTensor tensor, Dtype dtype, AffineQuant.Params quant, RowSource source) {

    public boolean quantized() {
        return quant != null;
    }
}
