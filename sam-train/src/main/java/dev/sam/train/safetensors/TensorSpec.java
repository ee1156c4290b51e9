package dev.sam.train.safetensors;

import java.util.Arrays;

/** A tensor to be written: name, dtype and shape (its bytes follow from them). */
public record TensorSpec(String name, Dtype dtype, long[] shape) {

    public static TensorSpec of(String name, Dtype dtype, long... shape) {
        return new TensorSpec(name, dtype, shape.clone());
    }

    public long numel() {
        return TensorInfo.numel(shape);
    }

    public long byteSize() {
        return numel() * dtype.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
