package dev.sam.train.gguf;

import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Halfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a GGUF v3 file (ggml docs/gguf.md): magic "GGUF", version 3, tensor count, metadata count, the
 * metadata, one info per tensor (name, dims innermost first, ggml type, data offset), padding to the
 * alignment, then each tensor's data at an offset that is a multiple of the alignment (32, the default
 * {@code general.alignment}). Tensor data is streamed a block of rows at a time, so memory stays bounded;
 * the file is written next to the target, fsynced and renamed, so it appears whole or not at all.
 *
 * <pre>long bytes = GgufWriter.write(file, metadata, tensors, progress);</pre>
 */
public final class GgufWriter {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    public static final int VERSION = 3;
    public static final int ALIGNMENT = 32;
    private static final int CHUNK_VALUES = 1 << 20;

    private GgufWriter() {
    }

    /** Writes {@code file}; returns its size. */
    public static long write(Path file, GgufMetadata meta, List<GgufTensor> tensors, ProgressListener progress)
            throws IOException {
        byte[] head = header(meta, tensors);
        long total = head.length + tensors.stream().mapToLong(t -> pad(t.bytes())).sum();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(head));
            progress.start("writing " + file.getFileName(), total);
            long done = head.length;
            for (GgufTensor t : tensors) {
                done += writeData(ch, t);
                progress.update(done, t.name());
            }
            ch.force(true);
            progress.finish(null);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Faults.point("gguf.before-rename");
        AtomicFiles.moveAtomically(tmp, file);
        AtomicFiles.fsyncDirectory(dir);
        return total;
    }

    /** Everything before the first tensor's data, padded to the alignment. */
    static byte[] header(GgufMetadata meta, List<GgufTensor> tensors) {
        GgufMetadata.Out o = new GgufMetadata.Out();
        o.u32(MAGIC);
        o.u32(VERSION);
        o.u64(tensors.size());
        o.u64(meta.size());
        byte[] kv = meta.encode();
        long offset = 0;
        GgufMetadata.Out infos = new GgufMetadata.Out();
        for (GgufTensor t : tensors) {
            infos.string(t.name());
            long[] ne = t.ne();
            infos.u32(ne.length);
            for (long d : ne) {
                infos.u64(d);
            }
            infos.u32(t.type().id());
            infos.u64(offset);
            offset += pad(t.bytes());
        }
        byte[] start = o.bytes();
        byte[] inf = infos.bytes();
        int len = start.length + kv.length + inf.length;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(pad(len)));
        b.put(start).put(kv).put(inf);
        return b.array(); // zero padding up to the alignment
    }

    static long pad(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Streams one tensor's rows converted to its type, plus the padding; returns the bytes written. */
    private static long writeData(FileChannel ch, GgufTensor t) throws IOException {
        int cols = Math.toIntExact(t.cols());
        int step = (int) Math.max(1, Math.min(t.rows(), CHUNK_VALUES / cols));
        float[] rows = new float[step * cols];
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(step * t.type().rowBytes(cols)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < t.rows(); r += step) {
            int n = (int) Math.min(step, t.rows() - r);
            t.source().read(r, n, rows);
            out.clear();
            switch (t.type()) {
                case F32 -> {
                    for (int i = 0; i < n * cols; i++) {
                        out.putFloat(rows[i]);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n * cols; i++) {
                        out.putShort(Halfs.floatToHalf(rows[i]));
                    }
                }
                case Q8_0 -> Q8_0.quantize(rows, 0, n * cols, out);
                case Q4_0 -> Q4_0.quantize(rows, 0, n * cols, out);
            }
            writeFully(ch, out.flip());
        }
        long padding = pad(t.bytes()) - t.bytes();
        writeFully(ch, ByteBuffer.allocate((int) padding));
        return t.bytes() + padding;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
