package dev.sam.train.safetensors;

import java.util.Arrays;

/**
 * One tensor of a safetensors header: name, dtype, shape and its byte range relative to the start of
 * the data section ({@code data_offsets} in the format).
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    public long byteSize() {
        return end - begin;
    }

    /** Rows of a tensor viewed as 2-D {@code [rows, cols]}: the product of all dimensions but the last. */
    public long rows() {
        return shape.length == 0 ? 1 : numel() / Math.max(1, shape[shape.length - 1]);
    }

    /** The last dimension (1 for a scalar). */
    public long cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
