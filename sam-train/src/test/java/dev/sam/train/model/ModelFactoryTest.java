package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random Qwen2 models: HF names and shapes, HF-like init, seeded, any dtype, quantized on the fly. */
class ModelFactoryTest {
    @TempDir
    Path tmp;

    static ModelConfig small() {
        return new ModelConfig(64, 2, 4, 2, 16, 192, 320, 1e6, 1e-6, true, 512, "float32", null);
    }

    private ModelFactory.Written write(String dir, ModelConfig c, long seed, Dtype d, AffineQuant.Params q)
            throws Exception {
        return ModelFactory.write(c, tmp.resolve(dir), new ModelFactory.Options(seed, d, q), null, ProgressListener.NONE);
    }

    @Test
    void writesEveryTensorWithHfInit() throws Exception {
        ModelFactory.Written w = write("m", small(), 1, Dtype.F32, null);
        assertEquals(small().numParams(), w.params());
        try (SafetensorsFile f = SafetensorsFile.open(w.dir().resolve("model.safetensors"))) {
            assertEquals(small().tensors().stream().map(ParamTensor::name).toList(),
                    f.tensors().stream().map(TensorInfo::name).toList());
            for (ParamTensor t : small().tensors()) {
                assertArrayEquals(t.shape(), f.tensor(t.name()).shape(), t.name());
            }
            float[] norm = f.floats("model.layers.1.post_attention_layernorm.weight");
            for (float v : norm) {
                assertEquals(1f, v);
            }
            float[] emb = f.floats("model.embed_tokens.weight");
            double mean = 0;
            double sq = 0;
            for (float v : emb) {
                mean += v;
                sq += v * v;
            }
            mean /= emb.length;
            double std = Math.sqrt(sq / emb.length - mean * mean);
            assertEquals(0.0, mean, 0.001);
            assertEquals(0.02, std, 0.001);
            assertEquals("pt", f.metadata().get("format"));
        }
        assertEquals(small(), ModelConfig.load(w.dir().resolve("config.json")));
    }

    @Test
    void seededAndIndependentOfChunking() throws Exception {
        Path a = write("a", small(), 5, Dtype.F32, null).dir().resolve("model.safetensors");
        Path b = write("b", small(), 5, Dtype.F32, null).dir().resolve("model.safetensors");
        Path c = write("c", small(), 6, Dtype.F32, null).dir().resolve("model.safetensors");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same bytes");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "other seed");
        ParamTensor t = small().tensors().get(0);
        RowSource src = RandomInit.of(t, 5, Dtype.F32);
        float[] all = new float[320 * 64];
        src.read(0, 320, all);
        float[] some = new float[3 * 64];
        src.read(100, 3, some);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 100 * 64, 103 * 64), some);
    }

    @Test
    void halfPrecisionModelsHoldRoundedValues() throws Exception {
        for (Dtype d : List.of(Dtype.F16, Dtype.BF16)) {
            Path m = write("h" + d, small(), 1, d, null).dir();
            try (SafetensorsFile f = SafetensorsFile.open(m.resolve("model.safetensors"))) {
                assertEquals(d, f.tensor("model.layers.0.mlp.up_proj.weight").dtype());
                float[] v = f.floats("model.layers.0.mlp.up_proj.weight");
                float[] exact = new float[v.length];
                RandomInit.of(small().tensors().stream().filter(t -> t.name().equals("model.layers.0.mlp.up_proj.weight"))
                        .findFirst().orElseThrow(), 1, Dtype.F32).read(0, 192, exact);
                for (int i = 0; i < v.length; i++) {
                    assertEquals(Halfs.roundTo(d, exact[i]), v[i]);
                }
            }
            assertEquals(d.torchName(), ModelConfig.load(m.resolve("config.json")).torchDtype());
        }
    }

    @Test
    void quantizedOnTheFlyEqualsQuantizingTheFloatModel() throws Exception {
        AffineQuant.Params q = AffineQuant.Params.mlx(4, 64);
        Path fp16 = write("f", small(), 3, Dtype.F16, null).dir();
        Path direct = write("q", small(), 3, Dtype.F16, q).dir();
        Path converted = tmp.resolve("conv");
        MlxQuantizer.quantize(fp16, converted, MlxQuantizer.Options.of(4, 64), ProgressListener.NONE);
        try (SafetensorsFile a = SafetensorsFile.open(direct.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(converted.resolve("model.safetensors"))) {
            List<String> names = new ArrayList<>();
            a.tensors().forEach(t -> names.add(t.toString()));
            assertEquals(names, b.tensors().stream().map(TensorInfo::toString).toList());
            for (TensorInfo t : a.tensors()) {
                assertEquals(a.bytes(t.name()), b.bytes(t.name()), t.name());
            }
            assertEquals("mlx", a.metadata().get("format"));
        }
        assertEquals(Quantization.affine(64, 4), ModelConfig.load(direct.resolve("config.json")).quantization());
    }

    @Test
    void invalidShapesAndExistingTargetsAreRefused() throws Exception {
        ModelConfig bad = new ModelConfig(64, 2, 4, 3, 16, 192, 320, 1e6, 1e-6, true, 512, "float32", null);
        SamException e = assertThrows(SamException.class, () -> write("bad", bad, 0, Dtype.F32, null));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
        Path taken = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(taken.resolve("keep.txt"), "mine");
        e = assertThrows(SamException.class, () -> write("taken", small(), 0, Dtype.F32, null));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("mine", Files.readString(taken.resolve("keep.txt")));
    }
}
