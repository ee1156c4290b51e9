package dev.sam.train.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.fuse.FuseFixtures;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import dev.sam.train.model.TensorPlan;
import dev.sam.train.model.TinyModel;
import dev.sam.train.model.WeightsWriter;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.run.TrainHomes;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.SafetensorsWriter;
import dev.sam.train.safetensors.TensorInfo;
import dev.sam.train.safetensors.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam import peft}: export → import is the identity on adapters; a PEFT directory written by a
 * PyTorch reference (DJL: random lora_A/lora_B as a trained PEFT model holds them, PEFT's config keys)
 * with lora_alpha ≠ 2r and a subset of layers imports to adapters whose forward equals the model PEFT's
 * merge formula gives ({@code W + scaling · B A}, peft tuners/lora/layer.py get_delta_weight), with plain
 * and rsLoRA scaling; DoRA, unknown modules and another base's shapes are refused with nothing written.
 */
class PeftImportTest {
    private static final String RUN = "20260101_120000";

    @TempDir
    Path tmp;
    SamHome home;
    Path base;

    @BeforeEach
    void setUp() throws Exception {
        home = SamHome.of(tmp.resolve("home")).ensureLayout();
        base = TrainHomes.tinyModel(home, tmp);
    }

    @Test
    void exportThenImportIsTheIdentity() throws Exception {
        for (int numLayers : new int[] {1, -1}) {
            String run = RUN + numLayers;
            Path adapters = FuseFixtures.run(home, run, "tiny", base, numLayers, 9);
            Path peft = tmp.resolve("peft" + numLayers);
            new PeftExport(home, SamConfig.defaults()).export(run, peft, "Qwen/whatever-tiny");
            Path back = tmp.resolve("back" + numLayers);
            PeftImport.Result r = new PeftImport(home).importDir(peft, "tiny", back);
            assertEquals(List.of(), r.zeroLayers());
            AdapterConfig a = AdapterConfig.load(adapters);
            AdapterConfig b = AdapterConfig.load(back);
            assertEquals(a, b, "adapter_config.json: rank, scale, dropout, layers, keys and base");
            try (SafetensorsFile x = SafetensorsFile.open(adapters.resolve("adapters.safetensors"));
                 SafetensorsFile y = SafetensorsFile.open(back.resolve("adapters.safetensors"))) {
                assertEquals(x.tensors().size(), y.tensors().size());
                for (TensorInfo t : x.tensors()) {
                    assertArrayEquals(t.shape(), y.tensor(t.name()).shape(), t.name());
                    assertArrayEquals(x.floats(t.name()), y.floats(t.name()), 0f, t.name());
                }
            }
        }
    }

    @Test
    void aPeftDirectoryFromAPyTorchReferenceForwardsAsPeftsFormula() throws Exception {
        check(false, List.of(0), 1.5, List.of(1));   // alpha 6 / r 4; layer 1 of [0, 2) not adapted: zeros
        check(true, List.of(1), 3.0, List.of());     // rsLoRA: alpha 6 / sqrt(4)
    }

    private void check(boolean rslora, List<Integer> layers, double scale, List<Integer> zero) throws Exception {
        Path peft = tmp.resolve("ref-" + rslora);
        Map<String, float[]> delta = writeReference(peft, rslora, layers);
        Path out = tmp.resolve("imported-" + rslora);
        PeftImport.Result r = new PeftImport(home).importDir(peft, null, out);
        assertEquals(scale, r.scale(), 1e-12);
        assertEquals(zero, r.zeroLayers());
        assertEquals("tiny", r.baseModel(), "base_model_name_or_path found among the registered models");
        Path merged = mergedModel(tmp.resolve("merged-" + rslora), delta);
        int[] tokens = {5, 77, 301, 12, 9, 140, 260, 33};
        try (NativeModel b = NativeModel.open(base); NativeModel m = NativeModel.open(merged);
             LoraAdapters a = LoraAdapters.load(b, AdapterConfig.load(out).toLoraSpec(),
                     out.resolve("adapters.safetensors"))) {
            float[] viaImport = NativeEval.logits(b, a, tokens);
            float[] viaPeft = NativeEval.logits(m, null, tokens);
            float[] plain = NativeEval.logits(b, null, tokens);
            double diff = 0;
            double lora = 0;
            double range = 0;
            for (int i = 0; i < plain.length; i++) {
                diff = Math.max(diff, Math.abs(viaImport[i] - viaPeft[i]));
                lora = Math.max(lora, Math.abs(plain[i] - viaPeft[i]));
                range = Math.max(range, Math.abs(viaPeft[i]));
            }
            assertTrue(lora > 1e-2 * range, "the adapters matter (" + lora + ")");
            assertTrue(diff <= 1e-5 * range, "imported forward vs PEFT's merged model: " + diff + " of " + range);
        }
    }

    /** PEFT's files written from PyTorch tensors; returns PEFT's merged delta per weight name. */
    private Map<String, float[]> writeReference(Path dir, boolean rslora, List<Integer> layers) throws Exception {
        ModelConfig c = ModelConfig.load(base.resolve("config.json"));
        int r = 4;
        double alpha = 6;
        double scaling = rslora ? alpha / Math.sqrt(r) : alpha / r;
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> delta = new HashMap<>();
        try (NDManager nd = NDManager.newBaseManager("PyTorch")) {
            nd.getEngine().setRandomSeed(rslora ? 2 : 1);
            for (int l : layers) {
                for (String m : List.of("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj")) {
                    long[] io = dev.sam.train.adapters.LoraShapes.inOut(c, m);
                    NDArray a = nd.randomNormal(0, 0.3f, new Shape(r, io[0]), ai.djl.ndarray.types.DataType.FLOAT32);
                    NDArray b = nd.randomNormal(0, 0.3f, new Shape(io[1], r), ai.djl.ndarray.types.DataType.FLOAT32);
                    String key = PeftNames.PREFIX + "model.layers." + l + "." + m;
                    tensors.put(key + ".lora_A.weight", a.toFloatArray());
                    shapes.put(key + ".lora_A.weight", new long[] {r, io[0]});
                    tensors.put(key + ".lora_B.weight", b.toFloatArray());
                    shapes.put(key + ".lora_B.weight", new long[] {io[1], r});
                    delta.put("model.layers." + l + "." + m + ".weight", b.matMul(a).mul((float) scaling).toFloatArray());
                }
            }
        }
        Files.createDirectories(dir);
        List<TensorSpec> specs = new ArrayList<>();
        shapes.forEach((n, s) -> specs.add(TensorSpec.of(n, Dtype.F32, s)));
        try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("adapter_model.safetensors"), specs,
                Map.of("format", "pt"))) {
            for (TensorSpec s : specs) {
                w.writeTensor(s.name(), tensors.get(s.name()));
            }
            w.commit();
        }
        Map<String, Object> cfg = new LinkedHashMap<>(); // the keys PEFT 0.13's LoraConfig.save_pretrained writes
        cfg.put("alpha_pattern", Map.of());
        cfg.put("auto_mapping", null);
        cfg.put("base_model_name_or_path", "tiny");
        cfg.put("bias", "none");
        cfg.put("fan_in_fan_out", false);
        cfg.put("inference_mode", true);
        cfg.put("init_lora_weights", true);
        cfg.put("layer_replication", null);
        cfg.put("layers_pattern", null);
        cfg.put("layers_to_transform", layers);
        cfg.put("loftq_config", Map.of());
        cfg.put("lora_alpha", 6);
        cfg.put("lora_dropout", 0.05);
        cfg.put("megatron_config", null);
        cfg.put("megatron_core", "megatron.core");
        cfg.put("modules_to_save", null);
        cfg.put("peft_type", "LORA");
        cfg.put("r", r);
        cfg.put("rank_pattern", Map.of());
        cfg.put("revision", null);
        cfg.put("target_modules", List.of("v_proj", "down_proj", "q_proj"));
        cfg.put("task_type", "CAUSAL_LM");
        cfg.put("use_dora", false);
        cfg.put("use_rslora", rslora);
        Files.writeString(dir.resolve("adapter_config.json"), Json.pretty(cfg));
        return delta;
    }

    /** The base with PEFT's deltas added to its weights, as a float32 model directory. */
    private Path mergedModel(Path dir, Map<String, float[]> delta) throws Exception {
        ModelConfig c = ModelConfig.load(base.resolve("config.json"));
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(base.resolve(f), dir.resolve(f));
        }
        try (SafetensorsFile f = SafetensorsFile.open(base.resolve("model.safetensors"))) {
            List<TensorPlan> plans = new ArrayList<>();
            for (ParamTensor t : c.tensors()) {
                float[] v = f.floats(t.name());
                float[] d = delta.get(t.name());
                for (int i = 0; d != null && i < v.length; i++) {
                    v[i] += d[i];
                }
                int cols = (int) t.cols();
                plans.add(new TensorPlan(t, Dtype.F32, null, (first, rows, dst) -> System.arraycopy(v,
                        (int) first * cols, dst, 0, rows * cols)));
            }
            WeightsWriter.write(dir.resolve("model.safetensors"), plans, Map.of("format", "pt"), ProgressListener.NONE,
                    "merging");
        }
        return dir;
    }

    @Test
    void doraUnknownModulesAndAnotherBaseAreRefusedByNameWithNothingWritten() throws Exception {
        Path peft = tmp.resolve("ref");
        writeReference(peft, false, List.of(0, 1));
        Path out = tmp.resolve("out");
        String cfg = Files.readString(peft.resolve("adapter_config.json"));

        Files.writeString(peft.resolve("adapter_config.json"), cfg.replace("\"use_dora\" : false", "\"use_dora\" : true")
                .replace("\"v_proj\", ", "\"v_proj\", \"lm_head\", "));
        SamException e = assertThrows(SamException.class, () -> new PeftImport(home).importDir(peft, null, out));
        assertTrue(e.getMessage().contains("DoRA (use_dora: true)") && e.getMessage().contains("[lm_head]"),
                e.getMessage());

        Files.writeString(peft.resolve("adapter_config.json"), cfg);
        TinyModel.write(home.baseModel("wide"), TinyModel.Options.defaults().with(null, 128, 64, 1L),
                ProgressListener.NONE);
        e = assertThrows(SamException.class, () -> new PeftImport(home).importDir(peft, "wide", out));
        assertTrue(e.getMessage().contains("does not fit base wide"), e.getMessage());
        assertTrue(e.hint().contains("--base"), e.hint());

        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".out")), "no partial directory");
        }
    }
}
