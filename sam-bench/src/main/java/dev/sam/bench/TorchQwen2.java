package dev.sam.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import dev.sam.train.nativelib.Qwen2Reference;
import java.io.IOException;
import java.util.List;

/**
 * The PyTorch peer at the real shape: sam-train's one PyTorch Qwen2 ({@link Qwen2Reference}, the test
 * oracle's class) in float32, its base weights read block by block so the Java heap stays small.
 *
 * <pre>Qwen2Reference m = TorchQwen2.load(nd, reader, 2.0); NDArray loss = m.loss(ids, null);</pre>
 */
public final class TorchQwen2 {
    private TorchQwen2() {
    }

    /** Reads every base tensor into fp32 NDArrays, a block of rows at a time (the Java heap stays small). */
    public static Qwen2Reference load(NDManager nd, WeightReader r, double loraScale) throws IOException {
        Qwen2Reference m = new Qwen2Reference(nd, r.config(), DataType.FLOAT32, loraScale);
        for (ParamTensor t : r.config().tensors()) {
            long rows = t.rows();
            long cols = t.cols();
            NDArray a = nd.zeros(new Shape(rows, cols), DataType.FLOAT32);
            int block = (int) Math.max(1, Math.min(rows, (4L << 20) / cols));
            float[] buf = new float[(int) (block * cols)];
            for (long r0 = 0; r0 < rows; r0 += block) {
                int n = (int) Math.min(block, rows - r0);
                r.rows(t.name(), r0, n, cols, buf);
                float[] part = n == block ? buf : java.util.Arrays.copyOf(buf, (int) (n * cols));
                try (NDArray p = nd.create(part, new Shape(n, cols))) {
                    a.set(new NDIndex(r0 + ":" + (r0 + n)), p);
                }
            }
            m.weight(t.name(), t.shape().length == 1 ? a.reshape(cols) : a);
        }
        return m;
    }

    /** The LoRA tensor names and shapes mlx-lm would create for the last {@code layers} layers. */
    public static List<long[]> loraShape(ModelConfig c, String target, int rank) {
        long hd = (long) c.numAttentionHeads() * c.headDim();
        long kvd = (long) c.numKeyValueHeads() * c.headDim();
        long[] io = switch (target) {
            case "q_proj" -> new long[] {c.hiddenSize(), hd};
            case "k_proj", "v_proj" -> new long[] {c.hiddenSize(), kvd};
            case "o_proj" -> new long[] {hd, c.hiddenSize()};
            case "gate_proj", "up_proj" -> new long[] {c.hiddenSize(), c.intermediateSize()};
            case "down_proj" -> new long[] {c.intermediateSize(), c.hiddenSize()};
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        return List.of(new long[] {io[0], rank}, new long[] {rank, io[1]});
    }
}
