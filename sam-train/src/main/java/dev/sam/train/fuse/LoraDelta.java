package dev.sam.train.fuse;

import dev.sam.train.model.RowSource;

/**
 * One module's LoRA update in mlx-lm's layout (mlx-lm {@code tuner/lora.py}: {@code y = W x + scale · (x A) B}
 * with {@code A [in, r]}, {@code B [r, out]}), applied to the rows of the base weight {@code W [out, in]}:
 * {@code W' = W + scale · (A B)ᵀ}, i.e. {@code W'[o, i] = W[o, i] + scale · Σ_k A[i, k] · B[k, o]}. This is
 * mlx-lm's {@code LoRALinear.fuse} ({@code delta = (scale * lora_b.T) @ lora_a.T}), done a block of rows at
 * a time in float32 on the dequantized base.
 *
 * <pre>RowSource fused = new LoraDelta(a, b, in, out, rank, scale).over(baseRows);</pre>
 */
public record LoraDelta(float[] a, float[] b, int in, int out, int rank, float scale) {
    public LoraDelta {
        if (a.length != in * rank || b.length != rank * out) {
            throw new IllegalArgumentException("LoRA shapes " + a.length + "/" + b.length + " do not fit [" + in
                    + ", " + rank + "] and [" + rank + ", " + out + "]");
        }
    }

    /** Adds {@code scale · (A B)ᵀ} rows {@code first .. first+rows} to {@code w} (those rows of W, row-major). */
    public void addTo(long first, int rows, float[] w) {
        float[] bs = new float[rank];
        for (int r = 0; r < rows; r++) {
            int o = Math.toIntExact(first + r);
            for (int k = 0; k < rank; k++) {
                bs[k] = scale * b[k * out + o];
            }
            int row = r * in;
            for (int i = 0; i < in; i++) {
                float d = 0f;
                int ai = i * rank;
                for (int k = 0; k < rank; k++) {
                    d += a[ai + k] * bs[k];
                }
                w[row + i] += d;
            }
        }
    }

    /** The base rows with this delta added. */
    public RowSource over(RowSource base) {
        return (first, rows, dst) -> {
            base.read(first, rows, dst);
            addTo(first, rows, dst);
        };
    }
}
