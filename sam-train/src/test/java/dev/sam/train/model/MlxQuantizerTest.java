package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantizer against testdata/qwen2-tiny/mlx-4bit-g32, an independent MLX 4-bit copy of the fp32
 * fixture model. That file rounds each weight against the fp16 scale and bias as stored; mlx's own
 * kernel rounds against the float32 scale before storing it. Both give bit-identical scales and
 * biases; the packed values differ only for weights within an fp16 rounding error of a rounding
 * boundary (.5), which these tests prove element by element.
 */
class MlxQuantizerTest {
    static final Path FIXTURE = TestHomes.testdata("qwen2-tiny");

    @TempDir
    Path tmp;

    private Path quantize(AffineQuant.Rounding rounding) throws Exception {
        Path out = tmp.resolve("q-" + rounding);
        MlxQuantizer.quantize(FIXTURE.resolve("fp32"), out, new MlxQuantizer.Options(4, 32, Dtype.F16, rounding),
                ProgressListener.NONE);
        return out;
    }

    @Test
    void storedRoundingReproducesTheFixtureBitForBit() throws Exception {
        Path out = quantize(AffineQuant.Rounding.STORED);
        try (SafetensorsFile mine = SafetensorsFile.open(out.resolve("model.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(FIXTURE.resolve("mlx-4bit-g32/model.safetensors"))) {
            assertEquals(ref.tensors().stream().map(TensorInfo::toString).toList(),
                    mine.tensors().stream().map(TensorInfo::toString).toList(), "same names, dtypes and shapes");
            for (TensorInfo t : ref.tensors()) {
                assertEquals(ref.bytes(t.name()), mine.bytes(t.name()), "bytes of " + t.name());
            }
        }
    }

    @Test
    void mlxRoundingMatchesScalesAndBiasesExactlyAndWordsUpToTies() throws Exception {
        Path out = quantize(AffineQuant.Rounding.MLX);
        int differing = 0;
        int total = 0;
        try (SafetensorsFile mine = SafetensorsFile.open(out.resolve("model.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(FIXTURE.resolve("mlx-4bit-g32/model.safetensors"));
             SafetensorsFile src = SafetensorsFile.open(FIXTURE.resolve("fp32/model.safetensors"))) {
            for (TensorInfo t : ref.tensors()) {
                String n = t.name();
                if (!n.endsWith(".weight") || t.dtype() != Dtype.U32) {
                    assertEquals(ref.bytes(n), mine.bytes(n), n + " identical");
                    continue;
                }
                String m = n.substring(0, n.length() - ".weight".length());
                int[] a = mine.ints(n);
                int[] b = ref.ints(n);
                float[] w = src.floats(n);
                float[] s = ref.floats(m + ".scales");
                float[] bias = ref.floats(m + ".biases");
                int cols = w.length / (int) t.shape()[0];
                for (int e = 0; e < w.length; e++) {
                    int row = e / cols;
                    int qa = AffineQuant.get(a, row * (cols / 8), e % cols, 4);
                    int qb = AffineQuant.get(b, row * (cols / 8), e % cols, 4);
                    total++;
                    if (qa != qb) {
                        differing++;
                        int g = row * (cols / 32) + (e % cols) / 32;
                        double x = (w[e] - bias[g]) / s[g];
                        assertEquals(1, Math.abs(qa - qb), n + " element " + e);
                        assertTrue(Math.abs(x - Math.floor(x) - 0.5) < 0.01,
                                n + " element " + e + " differs but is not at a tie: " + x);
                    }
                }
            }
        }
        // 183: counted independently with a NumPy float32 re-implementation of mlx's kernel
        assertEquals(183, differing, differing + " of " + total + " values differ");
        assertEquals(149_504, total);
        // and the expected dequantized row matches exactly
        try (SafetensorsFile mine = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            String m = "model.layers.0.self_attn.q_proj";
            int[] q = mine.ints(m + ".weight");
            float[] row = new float[64];
            AffineQuant.dequantizeRow(q, 0, mine.floats(m + ".scales"), mine.floats(m + ".biases"), 0, 64, 32, 4,
                    row, 0);
            JsonNode exp = Json.mapper().readTree(FIXTURE.resolve("expected.json").toFile())
                    .get("dequant_mlx4bit_layer0_q_proj_row0_first8");
            for (int j = 0; j < 8; j++) {
                assertEquals(exp.get(j).asDouble(), row[j], 0.0, "dequantized element " + j);
            }
        }
    }

    @Test
    void configCarriesQuantizationLikeMlxLm() throws Exception {
        Path out = quantize(AffineQuant.Rounding.MLX);
        JsonNode c = Json.mapper().readTree(out.resolve("config.json").toFile());
        assertEquals(32, c.get("quantization").get("group_size").asInt());
        assertEquals(4, c.get("quantization").get("bits").asInt());
        assertEquals(c.get("quantization"), c.get("quantization_config"));
        assertEquals("qwen2", c.get("model_type").asText(), "original fields kept");
        ModelConfig parsed = ModelConfig.load(out.resolve("config.json"));
        assertEquals(Quantization.affine(32, 4), parsed.quantization());
        assertTrue(ModelDirectory.inspect(out, false).problems().stream()
                .allMatch(p -> p.startsWith("tokenizer missing")), "weights and config consistent");
    }

    @Test
    void modulesWhoseInputIsNotAGroupMultipleStayFloat() throws Exception {
        Path out = tmp.resolve("g128");
        var r = MlxQuantizer.quantize(FIXTURE.resolve("fp32"), out, MlxQuantizer.Options.of(8, 128),
                ProgressListener.NONE);
        assertEquals(0, r.quantizedModules(), "hidden 64 and intermediate 160 are not multiples of 128");
        try (SafetensorsFile f = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(Dtype.F32, f.tensor("model.layers.0.mlp.down_proj.weight").dtype());
            assertTrue(f.find("model.layers.0.mlp.down_proj.scales").isEmpty());
        }
        Path g32 = tmp.resolve("g32-8bit");
        var r8 = MlxQuantizer.quantize(FIXTURE.resolve("fp32"), g32, MlxQuantizer.Options.of(8, 32),
                ProgressListener.NONE);
        assertEquals(1 + 3 * 7, r8.quantizedModules(), "embedding + 7 linears per layer");
        try (SafetensorsFile f = SafetensorsFile.open(g32.resolve("model.safetensors"))) {
            assertArrayEquals(new long[] {64, 40}, f.tensor("model.layers.0.mlp.down_proj.weight").shape());
            assertArrayEquals(new long[] {64, 5}, f.tensor("model.layers.0.mlp.down_proj.scales").shape());
            assertEquals(Dtype.F32, f.tensor("model.layers.0.self_attn.q_proj.bias").dtype(), "biases keep dtype");
            assertEquals(Dtype.F32, f.tensor("model.norm.weight").dtype(), "norms keep dtype");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"2,32", "3,32", "5,32", "6,32", "8,32"})
    void everyBitWidthDequantizesCloseToTheSource(int bits, int group) throws Exception {
        Path out = tmp.resolve("b" + bits);
        MlxQuantizer.quantize(FIXTURE.resolve("fp32"), out, MlxQuantizer.Options.of(bits, group), ProgressListener.NONE);
        assertTrue(ModelDirectory.inspect(out, false).problems().stream().allMatch(p -> p.startsWith("tokenizer")));
        try (SafetensorsFile q = SafetensorsFile.open(out.resolve("model.safetensors"));
             SafetensorsFile src = SafetensorsFile.open(FIXTURE.resolve("fp32/model.safetensors"))) {
            String m = "model.layers.2.mlp.down_proj"; // [64, 160]: 5 groups of 32
            assertArrayEquals(new long[] {64, 160L * bits / 32}, q.tensor(m + ".weight").shape());
            int[] words = q.ints(m + ".weight");
            float[] s = q.floats(m + ".scales");
            float[] b = q.floats(m + ".biases");
            float[] w = src.floats(m + ".weight");
            float[] back = new float[w.length];
            int wpr = 160 * bits / 32;
            for (int r = 0; r < 64; r++) {
                AffineQuant.dequantizeRow(words, r * wpr, s, b, r * 5, 160, group, bits, back, r * 160);
            }
            for (int i = 0; i < w.length; i++) {
                float scale = Math.abs(s[i / 160 * 5 + (i % 160) / 32]);
                assertTrue(Math.abs(w[i] - back[i]) <= 1.5f * scale + 1e-4f, m + "[" + i + "] at " + bits + " bits");
            }
        }
    }

    @Test
    void refusesQuantizedInputBadParametersAndDamagedWeights() throws Exception {
        SamException again = assertThrows(SamException.class, () -> MlxQuantizer.quantize(
                FIXTURE.resolve("mlx-4bit-g32"), tmp.resolve("x"), MlxQuantizer.Options.of(4, 64), ProgressListener.NONE));
        assertTrue(again.getMessage().contains("already quantized"), again.getMessage());
        SamException bits = assertThrows(SamException.class, () -> MlxQuantizer.quantize(FIXTURE.resolve("fp32"),
                tmp.resolve("y"), MlxQuantizer.Options.of(7, 64), ProgressListener.NONE));
        assertTrue(bits.getMessage().contains("7 bits"), bits.getMessage());
        Path nan = tmp.resolve("nan");
        Files.createDirectories(nan);
        Files.copy(FIXTURE.resolve("fp32/config.json"), nan.resolve("config.json"));
        byte[] data = Files.readAllBytes(FIXTURE.resolve("fp32/model.safetensors"));
        long headerLen = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        // embed_tokens is the first tensor: make its first value NaN
        java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat((int) (8 + headerLen), Float.NaN);
        Files.write(nan.resolve("model.safetensors"), data);
        SamException e = assertThrows(SamException.class, () -> MlxQuantizer.quantize(nan, tmp.resolve("z"),
                MlxQuantizer.Options.of(4, 32), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("model.embed_tokens.weight") && e.getMessage().contains("NaN"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("z")), "nothing half-written");
        assertTrue(Files.list(tmp).noneMatch(p -> p.getFileName().toString().contains(".partial")), "staging removed");
    }
}
