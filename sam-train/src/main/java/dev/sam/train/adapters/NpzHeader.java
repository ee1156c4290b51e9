package dev.sam.train.adapters;

import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the tensor names, dtypes and shapes of an .npz adapter file (older mlx-lm versions saved
 * {@code adapters.npz}): a zip of {@code <name>.npy} entries, each starting with the NPY header
 * (numpy's "format.rst": magic {@code \x93NUMPY}, version, header length, then a Python dict literal
 * with 'descr', 'fortran_order' and 'shape').
 *
 * <pre>Map&lt;String, TensorInfo&gt; tensors = NpzHeader.read(dir.resolve("adapters.npz"));</pre>
 */
public final class NpzHeader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpzHeader() {
    }

    public static Map<String, TensorInfo> read(Path file) throws IOException {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
                        : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(name, entry(name, in, e.getSize()));
                } catch (IOException ex) {
                    problems.add(name + ": " + ex.getMessage());
                }
            }
        } catch (ZipException e) {
            throw new IOException("is not a valid .npz (zip) file");
        }
        if (!problems.isEmpty()) {
            throw new IOException("has malformed entries: " + String.join("; ", problems));
        }
        return out;
    }

    private static TensorInfo entry(String name, InputStream in, long entrySize) throws IOException {
        byte[] head = in.readNBytes(10);
        if (head.length < 10 || !java.util.Arrays.equals(head, 0, 6, MAGIC, 0, 6)) {
            throw new IOException("not an NPY array");
        }
        int major = head[6];
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = ByteBuffer.wrap(head, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
            prefix = 10;
        } else {
            byte[] more = in.readNBytes(2);
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).put(head, 8, 2).put(more);
            headerLen = b.getInt(0) & 0xffffffffL;
            prefix = 12;
        }
        if (headerLen > 1 << 20) {
            throw new IOException("NPY header of " + headerLen + " bytes is implausible");
        }
        String dict = new String(in.readNBytes((int) headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !s.find()) {
            throw new IOException("NPY header lacks descr or shape");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim().replace("L", "")));
            }
        }
        Dtype dtype = dtype(d.group(1));
        if (dtype == null) {
            throw new IOException("has the unsupported numpy dtype '" + d.group(1) + "'");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long bytes = TensorInfo.numel(shape) * dtype.size();
        if (entrySize >= 0 && entrySize != prefix + headerLen + bytes) {
            throw new IOException("holds " + (entrySize - prefix - headerLen) + " data bytes but " + dtype + " " + dims
                    + " needs " + bytes);
        }
        return new TensorInfo(name, dtype, shape, 0, bytes);
    }

    /** numpy descr such as {@code <f4} → the safetensors dtype; null when SAM has no equivalent. */
    static Dtype dtype(String descr) {
        String k = descr.length() > 1 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
        return switch (k) {
            case "f8" -> Dtype.F64;
            case "f4" -> Dtype.F32;
            case "f2" -> Dtype.F16;
            case "i8" -> Dtype.I64;
            case "i4" -> Dtype.I32;
            case "i2" -> Dtype.I16;
            case "i1" -> Dtype.I8;
            case "u1" -> Dtype.U8;
            case "b1" -> Dtype.BOOL;
            default -> null;
        };
    }
}
