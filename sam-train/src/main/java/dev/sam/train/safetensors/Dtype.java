package dev.sam.train.safetensors;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of the safetensors format, spelled as in its header ("F32", "BF16", "U32", ...),
 * following huggingface/safetensors {@code Dtype}.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the types SAM converts to float: F32, F16, BF16 and F64. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    public static Optional<Dtype> parse(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The dtype for a HF {@code torch_dtype} or a CLI spelling: float32/fp32, float16/fp16, bfloat16/bf16. */
    public static Optional<Dtype> ofTorchName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "fp32", "f32" -> Optional.of(F32);
            case "float16", "fp16", "f16", "half" -> Optional.of(F16);
            case "bfloat16", "bf16" -> Optional.of(BF16);
            default -> Optional.empty();
        };
    }

    /** The HF {@code torch_dtype} spelling of a float type. */
    public String torchName() {
        return switch (this) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
