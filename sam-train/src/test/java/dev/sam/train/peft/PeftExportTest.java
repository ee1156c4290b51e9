package dev.sam.train.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.run.TrainHomes;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam export peft}: the exported tensors are mlx-lm's transposed, under PEFT's names; the config
 * carries lora_alpha = scale · r; and PEFT's forward, computed in PyTorch through DJL from the exported
 * files, equals mlx-lm's forward computed from SAM's adapters on random inputs.
 */
class PeftExportTest {
    private static final String RUN = "20260101_120000";
    private static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    @TempDir
    Path tmp;
    SamHome home;
    Path adapters;

    @BeforeEach
    void run() throws Exception {
        home = SamHome.of(tmp.resolve("home")).ensureLayout();
        Path base = TrainHomes.tinyModel(home, tmp);
        adapters = home.runDir(RUN).resolve("adapters");
        Files.createDirectories(adapters);
        // the last of the 2 layers, every projection, rank 4, scale 2.5: non-zero lora_b so the delta matters
        LoraSpec spec = new LoraSpec(4, 2.5f, 0.05f, 1, TARGETS);
        try (NativeModel m = NativeModel.open(base); LoraAdapters a = LoraAdapters.create(m, spec, 7)) {
            Random r = new Random(7);
            for (LoraAdapters.Tensor t : a.tensors()) {
                if (t.name().endsWith("lora_b")) {
                    float[] v = new float[t.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) r.nextGaussian() * 0.3f;
                    }
                    a.write(t, v);
                }
            }
            a.save(adapters.resolve("adapters.safetensors"));
        }
        AdapterConfig.of(spec, "tiny").write(adapters.resolve("adapter_config.json"), 10.0, Map.of());
    }

    @Test
    void tensorsAreTransposedUnderPeftNamesAndTheConfigSaysHowToScale() throws Exception {
        Path out = tmp.resolve("peft");
        PeftExport.Result r = new PeftExport(home, SamConfig.defaults()).export(RUN, out, "Qwen/Qwen2.5-Coder-0.5B");
        assertEquals(14, r.tensors());
        assertEquals(List.of(1), r.layersToTransform());

        JsonNode c = Json.mapper().readTree(out.resolve(PeftExport.CONFIG).toFile());
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals(4, c.get("r").asInt());
        assertEquals(10.0, c.get("lora_alpha").asDouble(), 1e-12, "scale 2.5 x r 4");
        assertEquals(0.05, c.get("lora_dropout").asDouble(), 1e-12);
        assertEquals(TARGETS, Json.mapper().convertValue(c.get("target_modules"), List.class));
        assertEquals(List.of(1), Json.mapper().convertValue(c.get("layers_to_transform"), List.class));
        assertEquals("layers", c.get("layers_pattern").asText());
        assertEquals("none", c.get("bias").asText());
        assertEquals("Qwen/Qwen2.5-Coder-0.5B", c.get("base_model_name_or_path").asText());

        try (SafetensorsFile mlx = SafetensorsFile.open(adapters.resolve("adapters.safetensors"));
             SafetensorsFile peft = SafetensorsFile.open(out.resolve(PeftExport.WEIGHTS))) {
            assertEquals(mlx.tensors().size(), peft.tensors().size());
            for (TensorInfo t : mlx.tensors()) {
                PeftNames.Parsed p = PeftNames.parseMlx(t.name());
                assertNotNull(p, t.name());
                TensorInfo e = peft.tensor(p.peftName());
                assertArrayEquals(new long[] {t.shape()[1], t.shape()[0]}, e.shape(), t.name());
                float[] back = PeftNames.transpose(peft.floats(e.name()), (int) e.shape()[0], (int) e.shape()[1]);
                assertArrayEquals(mlx.floats(t.name()), back, 0f, "transposed back equals " + t.name());
            }
            assertNotNull(peft.tensor("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight"));
            assertNotNull(peft.tensor("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));
            assertEquals("pt", peft.metadata().get("format"));
        }
        assertThrows(SamException.class, () -> new PeftExport(home, SamConfig.defaults()).export(RUN, out, null),
                "an existing export is never overwritten");
    }

    @Test
    void peftForwardInPyTorchEqualsMlxForward() throws Exception {
        Path out = tmp.resolve("peft");
        new PeftExport(home, SamConfig.defaults()).export(RUN, out, null);
        JsonNode c = Json.mapper().readTree(out.resolve(PeftExport.CONFIG).toFile());
        double peftScaling = c.get("lora_alpha").asDouble() / c.get("r").asDouble();
        AdapterConfig ac = AdapterConfig.load(adapters);
        Random rnd = new Random(3);
        try (SafetensorsFile mlx = SafetensorsFile.open(adapters.resolve("adapters.safetensors"));
             SafetensorsFile peft = SafetensorsFile.open(out.resolve(PeftExport.WEIGHTS));
             SafetensorsFile base = SafetensorsFile.open(home.baseModel("tiny").resolve("model.safetensors"));
             NDManager nd = NDManager.newBaseManager("PyTorch")) {
            for (TensorInfo t : mlx.tensors()) {
                PeftNames.Parsed p = PeftNames.parseMlx(t.name());
                if (!p.isA()) {
                    continue;
                }
                String module = "model.layers." + p.layer() + "." + p.module();
                TensorInfo w = base.tensor(module + ".weight");
                int outF = (int) w.shape()[0];
                int inF = (int) w.shape()[1];
                int n = 3;
                float[] x = new float[n * inF];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[] wv = base.floats(w.name());
                // mlx-lm: y = x W^T + scale * ((x @ lora_a) @ lora_b), lora_a [in, r], lora_b [r, out]
                float[] a = mlx.floats(t.name());
                float[] b = mlx.floats(t.name().replace("lora_a", "lora_b"));
                int r = ac.rank();
                double[] expected = new double[n * outF];
                for (int i = 0; i < n; i++) {
                    double[] xa = new double[r];
                    for (int k = 0; k < r; k++) {
                        for (int j = 0; j < inF; j++) {
                            xa[k] += x[i * inF + j] * a[j * r + k];
                        }
                    }
                    for (int o = 0; o < outF; o++) {
                        double y = 0;
                        for (int j = 0; j < inF; j++) {
                            y += x[i * inF + j] * wv[o * inF + j];
                        }
                        double d = 0;
                        for (int k = 0; k < r; k++) {
                            d += xa[k] * b[k * outF + o];
                        }
                        expected[i * outF + o] = y + ac.scale() * d;
                    }
                }
                // PEFT (tuners/lora/layer.py Linear.forward): y = base(x) + lora_B(lora_A(dropout(x))) * scaling
                NDArray xs = nd.create(x, new Shape(n, inF));
                NDArray ws = nd.create(wv, new Shape(outF, inF));
                NDArray la = nd.create(peft.floats(p.peftName()), new Shape(r, inF));
                String bName = p.peftName().replace("lora_A", "lora_B");
                NDArray lb = nd.create(peft.floats(bName), new Shape(outF, r));
                NDArray y = xs.matMul(ws.transpose()).add(xs.matMul(la.transpose()).matMul(lb.transpose())
                        .mul((float) peftScaling));
                float[] got = y.toFloatArray();
                double maxErr = 0;
                double maxAbs = 0;
                for (int i = 0; i < got.length; i++) {
                    maxErr = Math.max(maxErr, Math.abs(got[i] - expected[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                }
                float[] plain = xs.matMul(ws.transpose()).toFloatArray();
                double delta = 0;
                for (int i = 0; i < got.length; i++) {
                    delta = Math.max(delta, Math.abs(expected[i] - plain[i]));
                }
                assertTrue(delta > 1e-3, module + ": the LoRA delta is not negligible (" + delta + ")");
                assertTrue(maxErr <= 1e-5 * Math.max(1, maxAbs), module + ": PEFT forward differs from mlx-lm's by "
                        + maxErr + " (max |y| " + maxAbs + ")");
            }
        }
    }
}
