package dev.sam.bench;

import dev.sam.train.model.AffineQuant;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.safetensors.Halfs;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.IntBuffer;
import java.nio.file.Path;

/**
 * A model's weights as fp32 rows for the PyTorch peer, independent of native/: float tensors are
 * converted, MLX affine-quantized ones dequantized as MLX does, {@code w = scale·q + bias} per group
 * ({@link AffineQuant#get} for the bit layout), so PyTorch computes with exactly the values the native
 * trainer dequantizes.
 *
 * <pre>try (WeightReader r = WeightReader.open(dir)) { r.rows("model.norm.weight", 0, 1, dst); }</pre>
 */
public final class WeightReader implements AutoCloseable {
    private final SafetensorsFile file;
    private final ModelConfig config;
    private final FileChannel channel;

    private WeightReader(SafetensorsFile file, ModelConfig config, FileChannel channel) {
        this.file = file;
        this.config = config;
        this.channel = channel;
    }

    public static WeightReader open(Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        return new WeightReader(SafetensorsFile.open(f), ModelConfig.load(dir.resolve("config.json")),
                FileChannel.open(f, StandardOpenOption.READ));
    }

    public ModelConfig config() {
        return config;
    }

    /** Rows [row0, row0 + n) of tensor {@code name} ([rows, cols], 1-D = one row) as fp32 into dst. */
    public void rows(String name, long row0, int n, long cols, float[] dst) throws IOException {
        String module = name.endsWith(".weight") ? name.substring(0, name.length() - 7) : name;
        if (file.find(module + ".scales").isEmpty()) {
            file.readRows(file.tensor(name), row0, n, dst);
            return;
        }
        int bits = config.quantization().bits();
        int group = config.quantization().groupSize();
        TensorInfo w = file.tensor(name);
        int words = Math.toIntExact(w.cols());
        int groups = Math.toIntExact(cols / group);
        ByteBuffer wb = slice(w, row0 * words * 4L, (long) n * words * 4);
        TensorInfo st = file.tensor(module + ".scales");
        TensorInfo bt = file.tensor(module + ".biases");
        float[] scales = new float[n * groups];
        float[] biases = new float[n * groups];
        Halfs.decode(slice(st, row0 * groups * st.dtype().size(), (long) n * groups * st.dtype().size()), st.dtype(),
                scales, 0, scales.length);
        Halfs.decode(slice(bt, row0 * groups * bt.dtype().size(), (long) n * groups * bt.dtype().size()), bt.dtype(),
                biases, 0, biases.length);
        IntBuffer ib = wb.asIntBuffer();
        int[] row = new int[words];
        for (int r = 0; r < n; r++) {
            ib.get(row);
            int o = r * (int) cols;
            if (bits == 4) { // fast path: 8 nibbles per word, lowest first
                for (int g = 0; g < groups; g++) {
                    float s = scales[r * groups + g];
                    float b = biases[r * groups + g];
                    for (int e = g * group; e < (g + 1) * group; e += 8) {
                        int v = row[e >>> 3];
                        for (int j = 0; j < 8; j++) {
                            dst[o + e + j] = s * ((v >>> (4 * j)) & 15) + b;
                        }
                    }
                }
            } else {
                AffineQuant.dequantizeRow(row, 0, scales, biases, r * groups, (int) cols, group, bits, dst, o);
            }
        }
    }

    /** Reads (not maps: mapped pages would count in this process' RSS) len bytes of t at offset. */
    private ByteBuffer slice(TensorInfo t, long offset, long len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(len)).order(ByteOrder.LITTLE_ENDIAN);
        long pos = file.header().dataStart() + t.begin() + offset;
        while (b.hasRemaining()) {
            if (channel.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of " + file.path() + " reading " + t.name());
            }
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        file.close();
    }
}
