package dev.sam.train.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of a safetensors file. The format (huggingface/safetensors): an
 * unsigned little-endian 64-bit header length N, N bytes of UTF-8 JSON mapping tensor names to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional {@code __metadata__}
 * string map), then the data section. Validation follows the reference implementation: offsets are
 * relative to the data section, every tensor's byte size is numel x dtype size, and the tensors
 * cover the data section exactly, without gaps or overlaps, to its last byte.
 */
public record SafetensorsHeader(Path file, long fileSize, long headerLength, Map<String, String> metadata,
                                List<TensorInfo> tensors) {

    /** The reference implementation's limit; a larger "header" is a damaged or foreign file. */
    public static final long MAX_HEADER = 100L * 1024 * 1024;
    static final String HINT = "the file is damaged or not a safetensors file: re-create or re-download it";

    /** Byte offset of the data section in the file. */
    public long dataStart() {
        return 8 + headerLength;
    }

    static SafetensorsHeader read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "is " + size + " bytes long, too short for a safetensors file (8-byte header length"
                    + " missing)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n <= 0 || n > MAX_HEADER) {
            throw bad(file, "declares a header of " + Long.toUnsignedString(n) + " bytes (must be 1.."
                    + MAX_HEADER + ")");
        }
        if (n > size - 8) {
            throw bad(file, "declares a " + n + "-byte header but only " + (size - 8)
                    + " bytes follow the length field (truncated, or the header length is wrong)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "has a header that is not valid UTF-8 (the header length may be wrong)");
        }
        if (!json.startsWith("{")) {
            throw bad(file, "has a header that does not start with '{' (the header length may be wrong)");
        }
        JsonNode root;
        try {
            root = Json.mapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(json);
        } catch (IOException e) {
            throw bad(file, "has a header that is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "has a header that is not a JSON object");
        }
        long dataSize = size - 8 - n;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                tensors.add(tensor(file, e.getKey(), e.getValue()));
            }
        }
        checkCoverage(file, tensors, dataSize);
        tensors.sort(Comparator.comparing(TensorInfo::name));
        return new SafetensorsHeader(file, size, n, Map.copyOf(metadata), List.copyOf(tensors));
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw bad(file, "has a __metadata__ entry that is not an object of strings");
        }
        node.fields().forEachRemaining(m -> {
            if (!m.getValue().isTextual()) {
                throw bad(file, "has __metadata__ value '" + m.getKey() + "' that is not a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        });
    }

    private static TensorInfo tensor(Path file, String name, JsonNode t) {
        if (!t.isObject()) {
            throw bad(file, "tensor '" + name + "': header entry is not an object");
        }
        JsonNode dt = t.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw bad(file, "tensor '" + name + "': missing dtype");
        }
        Dtype dtype = Dtype.parse(dt.asText()).orElseThrow(() -> bad(file, "tensor '" + name + "': unknown dtype '"
                + dt.asText() + "' (expected one of F32, F16, BF16, U32, I32, U8, ...)"));
        JsonNode sh = t.get("shape");
        if (sh == null || !sh.isArray()) {
            throw bad(file, "tensor '" + name + "': missing shape");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(file, "tensor '" + name + "': shape " + sh + " has a dimension that is not a"
                        + " non-negative integer");
            }
            shape[i] = d.asLong();
        }
        JsonNode off = t.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw bad(file, "tensor '" + name + "': data_offsets must be [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw bad(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] are not a range");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.numel(shape), dtype.size());
        } catch (ArithmeticException e) {
            throw bad(file, "tensor '" + name + "': shape " + sh + " is too large");
        }
        if (end - begin != expected) {
            throw bad(file, "tensor '" + name + "': " + dtype + " " + sh + " needs " + expected
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkCoverage(Path file, List<TensorInfo> tensors, long dataSize) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long pos = 0;
        String prev = null;
        for (TensorInfo t : byOffset) {
            if (t.end() > dataSize) {
                throw bad(file, "tensor '" + t.name() + "': data_offsets [" + t.begin() + ", " + t.end()
                        + "] reach past the end of the data section (" + dataSize + " bytes): the file is"
                        + " truncated or its offsets are wrong");
            }
            if (t.begin() != pos) {
                throw bad(file, "tensor '" + t.name() + "': data starts at " + t.begin() + " but "
                        + (prev == null ? "the data section starts at 0" : "'" + prev + "' ends at " + pos)
                        + (t.begin() < pos ? " (overlapping tensors)" : " (gap between tensors)"));
            }
            pos = t.end();
            prev = t.name();
        }
        if (pos != dataSize) {
            throw bad(file, "has " + (dataSize - pos) + " bytes after the last tensor"
                    + " (data section " + dataSize + " bytes, tensors end at " + pos + ")");
        }
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += r;
        }
    }

    static SamException bad(Path file, String what) {
        return SamException.failure("safetensors file " + file + " " + what, HINT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
