package dev.sam.deploy.adapter;

import java.util.List;

/**
 * One tensor as declared by an adapter file's header (no data is read).
 *
 * @param dtype safetensors dtype name (F32, F16, BF16, ...); for .npz the numpy descr mapped to it
 * @param shape dimensions, outermost first
 */
public record TensorInfo(String name, String dtype, List<Long> shape) {

    public TensorInfo {
        shape = List.copyOf(shape);
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes per element of {@code dtype}, or -1 when unknown. */
    public static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }
}
