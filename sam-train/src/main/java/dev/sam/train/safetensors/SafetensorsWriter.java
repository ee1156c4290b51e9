package dev.sam.train.safetensors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a safetensors file as a stream: the header (all names, dtypes, shapes and offsets) is written
 * first, then each tensor's data in the declared order, in chunks of any size, so a multi-gigabyte
 * model is written in a few megabytes of heap. The file appears atomically: data goes to a temp file
 * in the target directory, which is fsynced and renamed over the target by {@link #commit()}; closing
 * without a commit deletes it.
 *
 * <pre>try (var w = SafetensorsWriter.create(path, specs, Map.of())) { w.begin("a"); w.writeFloats(a, 0, a.length); w.end(); w.commit(); }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {
    private static final int BUFFER = 4 << 20;

    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final List<TensorSpec> order;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final long totalBytes;
    private ProgressListener progress = ProgressListener.NONE;
    private int next;
    private TensorSpec current;
    private long remaining;
    private long written;
    private boolean committed;

    private SafetensorsWriter(Path target, Path tmp, FileChannel channel, List<TensorSpec> order, long totalBytes) {
        this.target = target;
        this.tmp = tmp;
        this.channel = channel;
        this.order = order;
        this.totalBytes = totalBytes;
    }

    /**
     * Starts the file. {@code writeOrder} is the order in which tensor data will follow; the header
     * lists the tensors sorted by name (as mlx and the reference writer do), with {@code metadata}
     * as {@code __metadata__} when not empty.
     */
    public static SafetensorsWriter create(Path target, List<TensorSpec> writeOrder, Map<String, String> metadata)
            throws IOException {
        var seen = new HashSet<String>();
        for (TensorSpec s : writeOrder) {
            if (!seen.add(s.name()) || s.name().equals("__metadata__")) {
                throw new IllegalArgumentException("duplicate or reserved tensor name " + s.name());
            }
        }
        byte[] header = header(writeOrder, metadata);
        long data = writeOrder.stream().mapToLong(TensorSpec::byteSize).sum();
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        var w = new SafetensorsWriter(target, tmp, ch, List.copyOf(writeOrder), 8 + header.length + data);
        try {
            w.buf.putLong(header.length);
            w.put(ByteBuffer.wrap(header));
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** Reports bytes written (and the current tensor) to {@code p}; the caller starts and finishes it. */
    public SafetensorsWriter progress(ProgressListener p) {
        this.progress = p;
        return this;
    }

    /** Size of the finished file in bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Starts the next tensor of the declared order. */
    public void begin(String name) {
        if (current != null) {
            throw new IllegalStateException("tensor " + current.name() + " is not finished");
        }
        if (next >= order.size() || !order.get(next).name().equals(name)) {
            throw new IllegalStateException("expected tensor " + (next < order.size() ? order.get(next).name()
                    : "(none)") + " next, got " + name);
        }
        current = order.get(next++);
        remaining = current.byteSize();
    }

    /** The spec of the tensor being written. */
    public TensorSpec current() {
        return current;
    }

    /** Appends floats converted to the current tensor's float dtype. */
    public void writeFloats(float[] v, int off, int len) throws IOException {
        Dtype d = requireCurrent().dtype();
        if (!d.isFloat()) {
            throw new IllegalStateException(current.name() + " is " + d + ", not a float tensor");
        }
        int step = BUFFER / 8;
        for (int i = 0; i < len; i += step) {
            int n = Math.min(step, len - i);
            consume((long) n * d.size());
            ensure(n * d.size());
            Halfs.encode(v, off + i, n, d, buf);
        }
    }

    /** Appends 32-bit ints (U32 or I32 tensors). */
    public void writeInts(int[] v, int off, int len) throws IOException {
        Dtype d = requireCurrent().dtype();
        if (d != Dtype.U32 && d != Dtype.I32) {
            throw new IllegalStateException(current.name() + " is " + d + ", not a 32-bit integer tensor");
        }
        consume(4L * len);
        for (int i = 0; i < len; i++) {
            ensure(4);
            buf.putInt(v[off + i]);
        }
    }

    /** Appends raw little-endian bytes (any dtype). */
    public void writeBytes(ByteBuffer src) throws IOException {
        requireCurrent();
        consume(src.remaining());
        put(src);
    }

    /** Ends the current tensor; it must have received exactly its byte size. */
    public void end() {
        requireCurrent();
        if (remaining != 0) {
            throw new IllegalStateException(current.name() + " is missing " + remaining + " bytes");
        }
        current = null;
    }

    /** Writes a whole float tensor. */
    public void writeTensor(String name, float[] data) throws IOException {
        begin(name);
        writeFloats(data, 0, data.length);
        end();
    }

    /** Flushes, fsyncs and renames the file into place. Every declared tensor must be written. */
    public void commit() throws IOException {
        if (current != null || next != order.size()) {
            throw new IllegalStateException("not all tensors were written (" + next + " of " + order.size() + ")");
        }
        flush();
        channel.force(true);
        channel.close();
        Faults.point("safetensors.before-rename");
        AtomicFiles.moveAtomically(tmp, target);
        AtomicFiles.fsyncDirectory(target.toAbsolutePath().getParent());
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
        if (!committed) {
            Files.deleteIfExists(tmp);
        }
    }

    private TensorSpec requireCurrent() {
        if (current == null) {
            throw new IllegalStateException("no tensor begun");
        }
        return current;
    }

    private void consume(long bytes) {
        if (bytes > remaining) {
            throw new IllegalStateException(current.name() + " receives more than its " + current.byteSize() + " bytes");
        }
        remaining -= bytes;
    }

    private void ensure(int bytes) throws IOException {
        if (buf.remaining() < bytes) {
            flush();
        }
    }

    private void put(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), src.remaining());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            buf.put(slice);
            src.position(src.position() + n);
        }
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            written += channel.write(buf);
        }
        buf.clear();
        progress.update(written, current == null ? null : current.name());
    }

    static byte[] header(List<TensorSpec> writeOrder, Map<String, String> metadata) {
        ObjectNode root = Json.mapper().createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(m::put);
        }
        long pos = 0;
        var offsets = new java.util.HashMap<String, long[]>();
        for (TensorSpec s : writeOrder) {
            offsets.put(s.name(), new long[] {pos, pos + s.byteSize()});
            pos += s.byteSize();
        }
        List<TensorSpec> sorted = new ArrayList<>(writeOrder);
        sorted.sort(Comparator.comparing(TensorSpec::name));
        for (TensorSpec s : sorted) {
            ObjectNode t = root.putObject(s.name());
            t.put("dtype", s.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : s.shape()) {
                shape.add(d);
            }
            long[] o = offsets.get(s.name());
            t.putArray("data_offsets").add(o[0]).add(o[1]);
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data section starts 8-byte aligned (as the reference writer does).
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
