package dev.sam.train.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.TestHomes;
import dev.sam.core.json.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming writer and the reader agree, and the reader reads the fixture files written by others. */
class SafetensorsRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void writesAndReadsEveryDtypeInChunks() throws Exception {
        Path f = tmp.resolve("m.safetensors");
        float[] a = new float[3 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i - 7) * 0.37f;
        }
        int[] u = {0, 1, -1, 0x12345678, 42, 7};
        List<TensorSpec> order = List.of(TensorSpec.of("z.f32", Dtype.F32, 3, 5), TensorSpec.of("a.f16", Dtype.F16, 15),
                TensorSpec.of("m.bf16", Dtype.BF16, 5, 3), TensorSpec.of("u.u32", Dtype.U32, 2, 3),
                TensorSpec.of("empty", Dtype.F32, 0, 4), TensorSpec.of("scalar", Dtype.F32));
        try (SafetensorsWriter w = SafetensorsWriter.create(f, order, Map.of("format", "pt", "note", "ünï"))) {
            w.begin("z.f32");
            w.writeFloats(a, 0, 4);
            w.writeFloats(a, 4, 11);
            w.end();
            w.writeTensor("a.f16", a);
            w.writeTensor("m.bf16", a);
            w.begin("u.u32");
            w.writeInts(u, 0, 6);
            w.end();
            w.writeTensor("empty", new float[0]);
            w.writeTensor("scalar", new float[] {2.5f});
            w.commit();
        }
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt", "note", "ünï"), r.metadata());
            assertEquals(List.of("a.f16", "empty", "m.bf16", "scalar", "u.u32", "z.f32"),
                    r.tensors().stream().map(TensorInfo::name).toList(), "sorted by name");
            assertArrayEquals(a, r.floats("z.f32"));
            float[] h = r.floats("a.f16");
            float[] b = r.floats("m.bf16");
            for (int i = 0; i < a.length; i++) {
                assertEquals(Halfs.roundTo(Dtype.F16, a[i]), h[i]);
                assertEquals(Halfs.roundTo(Dtype.BF16, a[i]), b[i]);
            }
            assertArrayEquals(u, r.ints("u.u32"));
            assertArrayEquals(new long[] {0, 4}, r.tensor("empty").shape());
            assertArrayEquals(new float[] {2.5f}, r.floats("scalar"));
            float[] rows = new float[2 * 5];
            r.readRows(r.tensor("z.f32"), 1, 2, rows);
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 5, 15), rows);
            assertEquals(0, r.header().dataStart() % 8, "data section 8-byte aligned");
            assertTrue(r.find("nope").isEmpty());
        }
        // data follows the declared write order, not the header's name order
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = Json.mapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals(0, header.get("z.f32").get("data_offsets").get(0).asLong());
        Iterator<String> names = header.fieldNames();
        assertEquals("__metadata__", names.next());
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp left");
    }

    @Test
    void uncommittedWriteLeavesNothingAndMisuseIsRefused() throws Exception {
        Path f = tmp.resolve("x.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(f, List.of(TensorSpec.of("a", Dtype.F32, 2),
                TensorSpec.of("b", Dtype.F32, 1)), Map.of())) {
            assertThrows(IllegalStateException.class, () -> w.begin("b"), "order is enforced");
            w.begin("a");
            assertThrows(IllegalStateException.class, () -> w.writeFloats(new float[3], 0, 3), "too many values");
            w.writeFloats(new float[2], 0, 2);
            w.end();
            assertThrows(IllegalStateException.class, w::commit, "b is missing");
        }
        assertFalse(Files.exists(f));
        assertEquals(0, Files.list(tmp).count(), "temp file removed");
    }

    @Test
    void readsTheFp32Fixture() {
        Path p = TestHomes.testdata("qwen2-tiny").resolve("fp32/model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(38, f.tensors().size());
            TensorInfo e = f.tensor("model.embed_tokens.weight");
            assertEquals(Dtype.F32, e.dtype());
            assertArrayEquals(new long[] {320, 64}, e.shape());
            float[] norm = f.floats("model.norm.weight");
            assertEquals(64, norm.length);
            float[] emb = f.floats("model.embed_tokens.weight");
            double sum2 = 0;
            for (float v : emb) {
                assertTrue(Float.isFinite(v));
                sum2 += v * v;
            }
            double std = Math.sqrt(sum2 / emb.length);
            assertTrue(std > 0.005 && std < 1, "embedding looks like trained/random weights, std " + std);
        }
    }

    @Test
    void readsTheMlx4BitFixture() throws Exception {
        Path dir = TestHomes.testdata("qwen2-tiny");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("mlx-4bit-g32/model.safetensors"))) {
            TensorInfo w = f.tensor("model.layers.0.self_attn.q_proj.weight");
            assertEquals(Dtype.U32, w.dtype());
            assertArrayEquals(new long[] {64, 8}, w.shape());
            assertEquals(Dtype.F16, f.tensor("model.layers.0.self_attn.q_proj.scales").dtype());
            int[] words = f.ints("model.layers.0.self_attn.q_proj.weight");
            float[] s = f.floats("model.layers.0.self_attn.q_proj.scales");
            float[] b = f.floats("model.layers.0.self_attn.q_proj.biases");
            // row 0, first 8 values: the nibbles of word 0, lowest first, w = scale * q + bias
            JsonNode expected = Json.mapper().readTree(dir.resolve("expected.json").toFile())
                    .get("dequant_mlx4bit_layer0_q_proj_row0_first8");
            List<Double> got = new ArrayList<>();
            for (int j = 0; j < 8; j++) {
                int q = (words[0] >>> (4 * j)) & 0xf;
                got.add((double) (s[0] * q + b[0]));
            }
            for (int j = 0; j < 8; j++) {
                assertEquals(expected.get(j).asDouble(), got.get(j), 0.0, "element " + j);
            }
        }
    }
}
