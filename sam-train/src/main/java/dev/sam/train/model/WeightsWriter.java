package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;
import dev.sam.train.safetensors.SafetensorsWriter;
import dev.sam.train.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams a model's tensors into one safetensors file, a block of rows (about 4 MB) at a time, so memory
 * stays bounded at any model size. A quantized tensor's packed weight is written while it is computed;
 * its scales and biases (1/8 to 1/64 of the weight's size) are collected and written right after it.
 *
 * <pre>long bytes = WeightsWriter.write(file, plans, Map.of("format", "mlx"), progress, "quantizing");</pre>
 */
public final class WeightsWriter {
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private WeightsWriter() {
    }

    /** Writes all plans; reports bytes to {@code progress} under {@code task}; returns the file size. */
    public static long write(Path file, List<TensorPlan> plans, Map<String, String> metadata,
                             ProgressListener progress, String task) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorPlan p : plans) {
            specs.addAll(specs(p));
        }
        try (SafetensorsWriter w = SafetensorsWriter.create(file, specs, metadata)) {
            progress.start(task, w.totalBytes());
            w.progress(progress);
            for (TensorPlan p : plans) {
                if (p.quantized()) {
                    writeQuantized(w, p);
                } else {
                    writePlain(w, p);
                }
            }
            w.commit();
            progress.finish(null);
            return w.totalBytes();
        }
    }

    /** The safetensors entries of a plan, in write order. */
    public static List<TensorSpec> specs(TensorPlan p) {
        ParamTensor t = p.tensor();
        if (!p.quantized()) {
            return List.of(new TensorSpec(t.name(), p.dtype(), t.shape()));
        }
        long groups = t.cols() / p.quant().groupSize();
        String m = t.module();
        return List.of(TensorSpec.of(m + ".weight", Dtype.U32, t.rows(), AffineQuant.wordsPerRow(t.cols(), p.quant().bits())),
                TensorSpec.of(m + ".scales", p.quant().scaleDtype(), t.rows(), groups),
                TensorSpec.of(m + ".biases", p.quant().scaleDtype(), t.rows(), groups));
    }

    private static int rowsPerChunk(long cols) {
        return (int) Math.max(1, CHUNK_ELEMENTS / cols);
    }

    private static void writePlain(SafetensorsWriter w, TensorPlan p) throws IOException {
        ParamTensor t = p.tensor();
        long rows = t.rows();
        int cols = Math.toIntExact(t.cols());
        int step = rowsPerChunk(cols);
        float[] buf = new float[Math.toIntExact(Math.min(rows, step) * cols)];
        w.begin(t.name());
        for (long r = 0; r < rows; r += step) {
            int n = (int) Math.min(step, rows - r);
            p.source().read(r, n, buf);
            w.writeFloats(buf, 0, n * cols);
        }
        w.end();
    }

    private static void writeQuantized(SafetensorsWriter w, TensorPlan p) throws IOException {
        ParamTensor t = p.tensor();
        AffineQuant.Params q = p.quant();
        long rows = t.rows();
        int cols = Math.toIntExact(t.cols());
        int groups = cols / q.groupSize();
        int words = AffineQuant.wordsPerRow(cols, q.bits());
        int step = rowsPerChunk(cols);
        int chunk = (int) Math.min(rows, step);
        float[] buf = new float[chunk * cols];
        int[] packed = new int[chunk * words];
        float[] scales = new float[chunk * groups];
        float[] biases = new float[chunk * groups];
        int sbBytes = Math.toIntExact(rows * groups * q.scaleDtype().size());
        ByteBuffer allScales = ByteBuffer.allocate(sbBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer allBiases = ByteBuffer.allocate(sbBytes).order(ByteOrder.LITTLE_ENDIAN);
        String m = t.module();
        w.begin(m + ".weight");
        for (long r = 0; r < rows; r += step) {
            int n = (int) Math.min(step, rows - r);
            p.source().read(r, n, buf);
            for (int i = 0; i < n; i++) {
                if (!AffineQuant.quantizeRow(buf, i * cols, cols, q, packed, i * words, scales, biases, i * groups)) {
                    throw SamException.failure("tensor " + t.name() + " has NaN or infinite values in row " + (r + i)
                            + "; it cannot be quantized", "the source model is damaged: re-create or re-download it");
                }
            }
            w.writeInts(packed, 0, n * words);
            Halfs.encode(scales, 0, n * groups, q.scaleDtype(), allScales);
            Halfs.encode(biases, 0, n * groups, q.scaleDtype(), allBiases);
        }
        w.end();
        w.begin(m + ".scales");
        w.writeBytes(allScales.flip());
        w.end();
        w.begin(m + ".biases");
        w.writeBytes(allBiases.flip());
        w.end();
    }
}
