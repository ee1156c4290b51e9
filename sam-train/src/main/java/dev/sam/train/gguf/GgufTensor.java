package dev.sam.train.gguf;

import dev.sam.train.model.RowSource;

/**
 * One tensor to write: its llama.cpp name, its logical {@code [rows, cols]} in HF/row-major terms (a 1-D
 * tensor is one row), the ggml type and where its float32 rows come from. In GGUF the dimensions are
 * listed innermost first ({@code ne[0] = cols, ne[1] = rows}); the bytes are the same row-major data.
 */
public record GgufTensor(String name, long rows, long cols, boolean oneDim, GgmlType type, RowSource source) {

    /** ggml's ne[]: cols first. */
    public long[] ne() {
        return oneDim ? new long[] {cols} : new long[] {cols, rows};
    }

    public long bytes() {
        return rows * type.rowBytes(cols);
    }
}
