package dev.sam.train.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GGUF key/value metadata, kept in insertion order and encoded as the GGUF v3 spec says
 * (ggml docs/gguf.md, "File Structure"): key as a gguf string (uint64 length + UTF-8 bytes), value type
 * as uint32 ({@code gguf_metadata_value_type}: UINT32 4, INT32 5, FLOAT32 6, BOOL 7, STRING 8, ARRAY 9),
 * then the value; an array is its element type, uint64 count and the elements.
 *
 * <pre>GgufMetadata m = new GgufMetadata().string("general.architecture", "qwen2").u32("qwen2.block_count", 24);</pre>
 */
public final class GgufMetadata {
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int BOOL = 7;
    static final int STRING = 8;
    static final int ARRAY = 9;

    /** One value: its GGUF type and the Java value (Long, Integer, Float, Boolean, String or a List). */
    public record Value(int type, int elementType, Object value) {
    }

    private final Map<String, Value> entries = new LinkedHashMap<>();

    public GgufMetadata u32(String key, long v) {
        return put(key, new Value(UINT32, 0, v));
    }

    public GgufMetadata f32(String key, float v) {
        return put(key, new Value(FLOAT32, 0, v));
    }

    public GgufMetadata bool(String key, boolean v) {
        return put(key, new Value(BOOL, 0, v));
    }

    public GgufMetadata string(String key, String v) {
        return put(key, new Value(STRING, 0, v));
    }

    public GgufMetadata strings(String key, List<String> v) {
        return put(key, new Value(ARRAY, STRING, List.copyOf(v)));
    }

    public GgufMetadata i32s(String key, List<Integer> v) {
        return put(key, new Value(ARRAY, INT32, List.copyOf(v)));
    }

    private GgufMetadata put(String key, Value v) {
        if (entries.putIfAbsent(key, v) != null) {
            throw new IllegalArgumentException("duplicate GGUF key " + key);
        }
        return this;
    }

    /** The entries in order (what the file holds). */
    public Map<String, Value> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    public int size() {
        return entries.size();
    }

    /** The encoded key/value pairs. */
    byte[] encode() {
        Out o = new Out();
        entries.forEach((k, v) -> {
            o.string(k);
            o.u32(v.type());
            if (v.type() == ARRAY) {
                List<?> items = (List<?>) v.value();
                o.u32(v.elementType());
                o.u64(items.size());
                items.forEach(x -> o.scalar(v.elementType(), x));
            } else {
                o.scalar(v.type(), v.value());
            }
        });
        return o.bytes();
    }

    /** A little-endian byte sink with GGUF's primitive encodings. */
    static final class Out {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u32(long v) {
            b.clear();
            b.putInt((int) v);
            out.write(b.array(), 0, 4);
        }

        void u64(long v) {
            b.clear();
            b.putLong(v);
            out.write(b.array(), 0, 8);
        }

        void string(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            u64(u.length);
            out.write(u, 0, u.length);
        }

        void scalar(int type, Object v) {
            switch (type) {
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v));
                case BOOL -> out.write((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                default -> throw new IllegalArgumentException("GGUF type " + type);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** For tests and messages: the keys in order. */
    public List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }
}
