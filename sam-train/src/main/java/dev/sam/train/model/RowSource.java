package dev.sam.train.model;

/**
 * Where a tensor's values come from, a block of rows at a time (a tensor viewed as {@code [rows, cols]};
 * 1-D tensors are one row). Sources may be read in any order and more than once.
 */
@FunctionalInterface
public interface RowSource {
    /** Fills {@code dst[0 .. rows*cols)} with rows {@code firstRow .. firstRow+rows}. */
    void read(long firstRow, int rows, float[] dst);
}
