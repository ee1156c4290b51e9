package dev.sam.train.nativelib;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an F32 safetensors file into arrays for the oracle (tests only; tiny files). */
final class TestWeights {
    final Map<String, float[]> values = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    static TestWeights read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) bb.getLong(0);
        JsonNode header = Json.mapper().readTree(new String(all, 8, n, java.nio.charset.StandardCharsets.UTF_8));
        TestWeights w = new TestWeights();
        Iterator<Map.Entry<String, JsonNode>> it = header.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            if (!t.get("dtype").asText().equals("F32")) {
                throw new IOException("test reader supports F32 only: " + e.getKey());
            }
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            int begin = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            float[] v = new float[(end - begin) / 4];
            bb.position(8 + n + begin);
            bb.asFloatBuffer().get(v);
            w.values.put(e.getKey(), v);
            w.shapes.put(e.getKey(), shape);
        }
        return w;
    }
}
