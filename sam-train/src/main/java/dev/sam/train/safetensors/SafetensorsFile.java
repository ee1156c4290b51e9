package dev.sam.train.safetensors;

import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a safetensors file: the header is parsed and validated when the file is opened
 * ({@link SafetensorsHeader}); tensor data is memory-mapped ({@link #bytes}) or read row by row
 * ({@link #readRows}) so that a 3 GB model never has to fit on the Java heap.
 *
 * <pre>try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) { float[] w = f.floats("model.norm.weight"); }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        var m = new java.util.LinkedHashMap<String, TensorInfo>();
        header.tensors().forEach(t -> m.put(t.name(), t));
        this.byName = m;
    }

    /** Opens and validates; a missing, unreadable or malformed file is a SamException naming it. */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw SamException.failure("safetensors file " + path + " does not exist", "check the path");
        } catch (IOException e) {
            throw SamException.failure("cannot open safetensors file " + path + ": " + e.getMessage(),
                    "check that the file is readable");
        }
        try {
            return new SafetensorsFile(path, ch, SafetensorsHeader.read(path, ch));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (e instanceof SamException se) {
                throw se;
            }
            throw SamException.failure("cannot read safetensors file " + path + ": " + e.getMessage(),
                    SafetensorsHeader.HINT);
        }
    }

    /** Reads and validates only the header (fast: no tensor data is touched). */
    public static SafetensorsHeader readHeader(Path path) {
        try (SafetensorsFile f = open(path)) {
            return f.header();
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** All tensors, sorted by name. */
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The tensor's header entry; a SamException naming file and tensor when absent. */
    public TensorInfo tensor(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw SamException.failure("safetensors file " + path + " has no tensor '" + name + "'",
                    "the file does not belong to this model, or it is incomplete");
        }
        return t;
    }

    /** The tensor's raw bytes, memory-mapped read-only, little-endian (at most 2 GB). */
    public ByteBuffer bytes(String name) {
        TensorInfo t = tensor(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw SamException.failure("tensor '" + name + "' in " + path + " is larger than 2 GB",
                    "read it in rows with readRows");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + t.begin(), t.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw ioFailure(name, e);
        }
    }

    /** The whole tensor as floats (F32, F16, BF16 or F64). */
    public float[] floats(String name) {
        TensorInfo t = tensor(name);
        requireFloat(t);
        float[] out = new float[Math.toIntExact(t.numel())];
        Halfs.decode(bytes(name), t.dtype(), out, 0, out.length);
        return out;
    }

    /** The whole tensor as ints: U32/I32 bit patterns, U16/I16/U8/I8 widened. */
    public int[] ints(String name) {
        TensorInfo t = tensor(name);
        ByteBuffer b = bytes(name);
        int[] out = new int[Math.toIntExact(t.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case U32, I32 -> b.getInt();
                case U16 -> b.getShort() & 0xffff;
                case I16 -> b.getShort();
                case U8, BOOL -> b.get() & 0xff;
                case I8 -> b.get();
                default -> throw SamException.failure("tensor '" + name + "' in " + path + " is " + t.dtype()
                        + ", not an integer tensor", null);
            };
        }
        return out;
    }

    /**
     * Reads {@code rows} rows starting at {@code firstRow} of a float tensor viewed as
     * {@code [rows, cols]} into {@code dst} (length at least rows x cols), converting to float.
     */
    public void readRows(TensorInfo t, long firstRow, int rows, float[] dst) {
        requireFloat(t);
        long cols = t.cols();
        if (firstRow < 0 || firstRow + rows > t.rows()) {
            throw new IllegalArgumentException("rows " + firstRow + "+" + rows + " outside " + t);
        }
        long n = rows * cols;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(n * t.dtype().size())).order(ByteOrder.LITTLE_ENDIAN);
        try {
            SafetensorsHeader.readFully(channel, buf, header.dataStart() + t.begin() + firstRow * cols * t.dtype().size());
        } catch (IOException e) {
            throw ioFailure(t.name(), e);
        }
        buf.flip();
        Halfs.decode(buf, t.dtype(), dst, 0, (int) n);
    }

    private void requireFloat(TensorInfo t) {
        if (!t.dtype().isFloat()) {
            throw SamException.failure("tensor '" + t.name() + "' in " + path + " is " + t.dtype()
                    + ", expected a float tensor (F32, F16 or BF16)", null);
        }
    }

    private SamException ioFailure(String name, IOException e) {
        return new SamException(dev.sam.core.ExitCode.FAILURE, "cannot read tensor '" + name + "' from " + path + ": "
                + e.getMessage(), "check that the file is readable and was not truncated", e);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channel: nothing is lost when closing fails
        }
    }
}
