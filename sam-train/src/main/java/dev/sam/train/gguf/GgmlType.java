package dev.sam.train.gguf;

/**
 * The ggml tensor types SAM writes, with ggml's ids and block layout (ggml/include/ggml.h
 * {@code enum ggml_type}; ggml-common.h {@code block_q8_0}): F32 and F16 are plain little-endian values;
 * Q8_0 stores each run of 32 values as one fp16 scale {@code d} followed by 32 int8 {@code qs}
 * (34 bytes), value = d · q; Q4_0 stores each run of 32 as an fp16 {@code d} and 16 bytes of 4-bit {@code q}
 * (18 bytes, {@link Q4_0}), value = d · (q − 8).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Bytes of a row of {@code n} values ({@code n} a multiple of the block size). */
    public long rowBytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(this + " rows need a multiple of " + blockSize + " values, got " + n);
        }
        return n / blockSize * blockBytes;
    }
}
