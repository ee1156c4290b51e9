package dev.sam.train.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.model.MlxQuantizer;
import dev.sam.train.model.ModelCheck;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ModelDirectory;
import dev.sam.train.nativelib.GenSettings;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeEval;
import dev.sam.train.nativelib.NativeGenerator;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.run.TrainHomes;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam model fuse}: the fused model computes what base + adapters compute — the same greedy ids and
 * logits within float32 rounding (fp32 output) or fp16 rounding (fp16 output) — for a float32 base and an
 * MLX 4-bit base; the directory is a model SAM validates and loads; a requantized fuse stays within MLX's
 * quantization step of the fused weights; adapters of another base are refused with nothing written.
 */
class FuseServiceTest {
    private static final String RUN = "20260101_120000";
    private static final String RUN_4BIT = "20260101_130000";
    private static final String PROMPT = "<|im_start|>user\ndef add(a, b):\n    return a + b<|im_end|>\n<|im_start|>assistant\n";

    @TempDir
    Path tmp;
    SamHome home;
    Path base;

    @BeforeEach
    void setUp() throws Exception {
        home = SamHome.of(tmp.resolve("home")).ensureLayout();
        base = TrainHomes.tinyModel(home, tmp);
        FuseFixtures.run(home, RUN, "tiny", base, -1, 11);
    }

    private FuseService service() {
        return new FuseService(home, SamConfig.defaults());
    }

    @Test
    void fp32FuseOfAFloatBaseEqualsBasePlusAdapters() throws Exception {
        Path out = tmp.resolve("fused32");
        FuseService.Result r = service().fuse(new FuseService.Request(RUN, out, Dtype.F32, null, 64),
                ProgressListener.NONE);
        assertEquals(14, r.fusedWeights().size(), "7 projections in each of 2 layers");
        assertEquals("float32", r.dtype());
        ModelCheck c = ModelDirectory.validate(out);
        assertTrue(c.ok(), c.problems().toString());
        JsonNode index = Json.mapper().readTree(out.resolve(ModelFuser.INDEX).toFile());
        assertEquals(ModelConfig.load(out.resolve("config.json")).tensors().size(), index.get("weight_map").size());
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")) && Files.isRegularFile(out.resolve(
                "tokenizer_config.json")), "the tokenizer files travel with the model");
        double err = assertSameModel(out, base, home.runDir(RUN).resolve("adapters"), 1e-5);
        assertTrue(err < 1e-5, "fp32: max |logit diff| / max |logit| = " + err);
    }

    @Test
    void fuseOfA4BitBaseEqualsBasePlusAdaptersInFp32AndFp16() throws Exception {
        Path q4 = home.baseModel("tiny-4bit");
        MlxQuantizer.quantize(base, q4, MlxQuantizer.Options.of(4, 64), ProgressListener.NONE);
        FuseFixtures.run(home, RUN_4BIT, "tiny-4bit", q4, 1, 5);
        Path adapters = home.runDir(RUN_4BIT).resolve("adapters");
        Path f32 = tmp.resolve("fused-4bit-f32");
        service().fuse(new FuseService.Request(RUN_4BIT, f32, Dtype.F32, null, 64), ProgressListener.NONE);
        assertFalse(ModelConfig.load(f32.resolve("config.json")).isQuantized(), "dequantized unless asked");
        assertSameModel(f32, q4, adapters, 1e-5);
        Path f16 = tmp.resolve("fused-4bit-f16");
        service().fuse(new FuseService.Request(RUN_4BIT, f16, Dtype.F16, null, 64), ProgressListener.NONE);
        assertEquals("float16", ModelConfig.load(f16.resolve("config.json")).torchDtype());
        // fp16 keeps 11 significant bits: each weight within 2^-11 relative, the logits within 1% of their range
        assertSameModel(f16, q4, adapters, 1e-2);
    }

    @Test
    void requantizedFuseIsMlxAffineAndWithinItsQuantizationStep() throws Exception {
        Path out = tmp.resolve("fused-q8");
        FuseService.Result r = service().fuse(new FuseService.Request(RUN, out, Dtype.F16, 8, 32),
                ProgressListener.NONE);
        assertEquals("8-bit g32", r.quantization());
        ModelConfig qc = ModelConfig.load(out.resolve("config.json"));
        assertEquals(8, qc.quantization().bits());
        assertTrue(ModelDirectory.validate(out).ok());
        Path exact = tmp.resolve("fused-f32");
        service().fuse(new FuseService.Request(RUN, exact, Dtype.F32, null, 64), ProgressListener.NONE);
        try (NativeModel q = NativeModel.open(out); NativeModel e = NativeModel.open(exact)) {
            String w = "model.layers.1.mlp.down_proj.weight";
            int[] shape = e.weightShape(w);
            float[] qv = q.weightRows(w, 0, shape[0]);
            float[] ev = e.weightRows(w, 0, shape[0]);
            for (int row = 0; row < shape[0]; row++) {
                for (int g = 0; g < shape[1]; g += 32) {
                    float min = Float.MAX_VALUE;
                    float max = -Float.MAX_VALUE;
                    for (int j = g; j < g + 32; j++) {
                        min = Math.min(min, ev[row * shape[1] + j]);
                        max = Math.max(max, ev[row * shape[1] + j]);
                    }
                    float step = (max - min) / 255f;
                    for (int j = g; j < g + 32; j++) {
                        float d = Math.abs(qv[row * shape[1] + j] - ev[row * shape[1] + j]);
                        // half a step from rounding; MLX then moves the scale so that the larger-magnitude end
                        // is exact (scale = edge / rint(edge / scale)), which can cost the other end up to a
                        // step more after clamping; scales and biases are fp16
                        assertTrue(d <= 1.5f * step + 1e-6f, "row " + row + " col " + j + ": " + d + " > 1.5 steps "
                                + step);
                    }
                }
            }
        }
    }

    @Test
    void withoutOutTheFusedCopyGoesToModelsSamBrainFusedAndIsReplacedByTheNextFuse() throws Exception {
        FuseService.Result first = service().fuse(new FuseService.Request(RUN, null, null, null, 64),
                ProgressListener.NONE);
        assertEquals(home.fusedModel().toString(), first.out());
        assertEquals("float32", first.dtype(), "the base's dtype by default");
        FuseService.Result second = service().fuse(new FuseService.Request(RUN, null, Dtype.BF16, null, 64),
                ProgressListener.NONE);
        assertEquals("bfloat16", ModelConfig.load(home.fusedModel().resolve("config.json")).torchDtype());
        assertNotNull(second);
        try (Stream<Path> s = Files.list(home.modelsDir())) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                    "no staging leftovers");
        }
    }

    @Test
    void adaptersOfAnotherBaseAreRefusedAndNothingIsWritten() throws Exception {
        Path other = home.baseModel("other");
        dev.sam.train.model.TinyModel.write(other, dev.sam.train.model.TinyModel.Options.defaults()
                .with(null, 128, 64, 3L), ProgressListener.NONE);
        Path adapters = home.runDir(RUN).resolve("adapters");
        AdapterConfig ac = AdapterConfig.load(adapters);
        new AdapterConfig(ac.fineTuneType(), ac.numLayers(), ac.rank(), ac.scale(), ac.dropout(), ac.keys(), "other")
                .write(adapters.resolve("adapter_config.json"), null, java.util.Map.of());
        Path out = tmp.resolve("never");
        SamException e = assertThrows(SamException.class, () -> service().fuse(new FuseService.Request(RUN, out,
                Dtype.F32, null, 64), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("does not fit the base"), e.getMessage());
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".never")), "no partial directory");
        }
    }

    /**
     * Greedy ids of fused vs base + adapters are equal and max |logit diff| ≤ tol · max |logit| over a prompt;
     * the adapters change the logits by far more than tol. Returns the relative difference.
     */
    static double assertSameModel(Path fused, Path baseDir, Path adapters, double tol) {
        try (Tokenizer tok = Tokenizer.load(baseDir); NativeModel f = NativeModel.open(fused);
             NativeModel b = NativeModel.open(baseDir);
             LoraAdapters a = LoraAdapters.load(b, AdapterConfig.load(adapters).toLoraSpec(),
                     adapters.resolve("adapters.safetensors"))) {
            int[] prompt = tok.encode(PROMPT);
            float[] lf = NativeEval.logits(f, null, prompt);
            float[] la = NativeEval.logits(b, a, prompt);
            float[] l0 = NativeEval.logits(b, null, prompt);
            double scale = 0;
            double diff = 0;
            double lora = 0;
            for (int i = 0; i < la.length; i++) {
                scale = Math.max(scale, Math.abs(la[i]));
                diff = Math.max(diff, Math.abs(lf[i] - la[i]));
                lora = Math.max(lora, Math.abs(l0[i] - la[i]));
            }
            assertTrue(diff <= tol * scale, "max |logit diff| " + diff + " > " + tol + " x " + scale);
            assertTrue(lora > 20 * tol * scale, "the adapters matter: they move the logits by " + lora);
            GenSettings g = GenSettings.greedy(24, prompt.length + 24, List.of());
            try (NativeGenerator gf = NativeGenerator.create(f, null, g);
                 NativeGenerator ga = NativeGenerator.create(b, a, g)) {
                assertEquals(ga.generate(prompt), gf.generate(prompt), "greedy ids");
            }
            return diff / scale;
        }
    }
}
