package dev.sam.deploy.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a .safetensors file without touching the tensor data, and checks that it is
 * self-consistent. Format (huggingface/safetensors, "Format" in its README): 8 bytes little-endian
 * u64 N, then N bytes of UTF-8 JSON mapping tensor name → {dtype, shape, data_offsets [begin, end)}
 * relative to the byte after the header, plus an optional "__metadata__" string map.
 *
 * <pre>Map&lt;String, TensorInfo&gt; tensors = SafetensorsHeader.read(dir.resolve("adapters.safetensors"));</pre>
 */
public final class SafetensorsHeader {
    /** The reference implementation refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafetensorsHeader() {
    }

    /** Tensors by name in header order; an IOException's message says what is wrong with the file. */
    public static Map<String, TensorInfo> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IOException("is " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n <= 1 || n > MAX_HEADER || 8 + n > size) {
                throw new IOException("has an invalid header length " + Long.toUnsignedString(n) + " (file is "
                        + size + " bytes); it is not a safetensors file or it is truncated");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8);
            return parse(new String(json.array(), StandardCharsets.UTF_8), size - 8 - n);
        }
    }

    private static Map<String, TensorInfo> parse(String text, long dataBytes) throws IOException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IOException("has a header that is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IOException("has a header that is not a JSON object");
        }
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            TensorInfo t = tensor(e.getKey(), e.getValue(), dataBytes, problems);
            if (t != null) {
                out.put(t.name(), t);
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("has a malformed header: " + String.join("; ", problems));
        }
        return out;
    }

    private static TensorInfo tensor(String name, JsonNode n, long dataBytes, List<String> problems) {
        JsonNode dtype = n.get("dtype");
        JsonNode shape = n.get("shape");
        JsonNode off = n.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || off == null
                || !off.isArray() || off.size() != 2) {
            problems.add(name + " lacks dtype, shape or data_offsets");
            return null;
        }
        List<Long> dims = new ArrayList<>();
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                problems.add(name + " has a bad shape " + shape);
                return null;
            }
            dims.add(d.asLong());
        }
        TensorInfo t = new TensorInfo(name, dtype.asText(), dims);
        long begin = off.get(0).asLong(-1);
        long end = off.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataBytes) {
            problems.add(name + " has data offsets [" + begin + ", " + end + ") outside the " + dataBytes
                    + " data bytes (truncated file?)");
            return null;
        }
        int width = TensorInfo.dtypeBytes(t.dtype());
        if (width > 0 && (end - begin) != t.elements() * width) {
            problems.add(name + " declares " + (end - begin) + " bytes but " + t.dtype() + " " + dims + " needs "
                    + t.elements() * width);
            return null;
        }
        return t;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("ended early");
            }
        }
    }
}
