package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.TokenizedDataset;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.model.MlxQuantizer;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's Java-side acceptance on the tiny model: resume 10 steps = 5 + checkpoint + 5 (bitwise, with
 * dropout); the 4-bit model trains with the same loss as its dequantized fp32 copy (1e-4); adapter
 * files written by SAM load back equal and their adapter_config.json has mlx-lm's fields.
 */
class JavaTrainerTest {
    static final List<String> QKVO = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    @TempDir
    static Path tmp;
    static Path tiny;
    static List<TrainingRecord> records = new ArrayList<>();

    @BeforeAll
    static void model() throws Exception {
        tiny = TinyModels.tiny(tmp.resolve("tiny"));
        for (int i = 0; i < 8; i++) {
            records.add(new TrainingRecord(null, "s", Path.of("x.jsonl"), i, List.of(new ChatMessage("user",
                    "Item " + i + "?"), new ChatMessage("assistant", "It is number " + i + ".")), null, null));
        }
    }

    static TokenizedDataset data(Path model) {
        try (Tokenizer tok = Tokenizer.load(model)) {
            return new ExampleTokenizer(tok, ChatTemplate.qwen(), 128).tokenize(records);
        }
    }

    /** Trains {@code steps} steps from the trainer's current step; returns the step losses. */
    static List<Double> steps(NativeTrainer t, BatchIterator it, int steps) {
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            long step = t.step();
            double l = 0;
            for (int m = 0; m < 2; m++) {
                l += t.accumulate(it.batch(step * 2 + m).toTokenBatch()).meanLoss();
            }
            t.apply();
            losses.add(l / 2);
        }
        return losses;
    }

    static TrainSettings settings() {
        return TrainSettings.builder().learningRate(3e-3).maxBatch(2).maxSeqLen(128).seed(5).cosine(true).warmupSteps(2)
                .totalSteps(10).minLr(1e-4f).weightDecay(0.01f).gradClip(1f).build();
    }

    @Test
    void resumeTenStepsEqualsFivePlusFive() {
        LoraSpec spec = new LoraSpec(4, 2f, 0.1f, -1, QKVO);
        BatchIterator it = new BatchIterator(data(tiny).examples(), 2, 9, 0);
        Path ckpt = tmp.resolve("ckpt.safetensors");
        List<float[]> straight = new ArrayList<>();
        try (NativeModel m = NativeModel.open(tiny)) {
            try (LoraAdapters a = LoraAdapters.create(m, spec, 1); NativeTrainer t = NativeTrainer.create(m, a,
                    settings())) {
                steps(t, it, 10);
                a.tensors().forEach(x -> straight.add(a.read(x)));
            }
            try (LoraAdapters a = LoraAdapters.create(m, spec, 1); NativeTrainer t = NativeTrainer.create(m, a,
                    settings())) {
                steps(t, it, 5);
                t.saveCheckpoint(ckpt);
            }
            try (LoraAdapters a = LoraAdapters.create(m, spec, 77); NativeTrainer t = NativeTrainer.create(m, a,
                    settings())) {
                t.loadCheckpoint(ckpt);
                assertEquals(5, t.step());
                steps(t, it, 5);
                for (LoraAdapters.Tensor x : a.tensors()) {
                    assertArrayEquals(straight.get(x.index()), a.read(x), x.name() + " bitwise equal");
                }
            }
        }
    }

    @Test
    void fourBitModelTrainsLikeItsDequantizedCopy() throws Exception {
        Path q4 = tmp.resolve("tiny-q4");
        MlxQuantizer.quantize(tiny, q4, MlxQuantizer.Options.of(4, 32), dev.sam.core.progress.ProgressListener.NONE);
        Path fp32 = TinyModels.dequantizedCopy(q4, tmp.resolve("tiny-q4-fp32"));
        LoraSpec spec = new LoraSpec(4, 2f, 0f, 2, QKVO);
        BatchIterator it = new BatchIterator(data(q4).examples(), 2, 3, 0);
        List<List<Double>> losses = new ArrayList<>();
        for (Path dir : List.of(q4, fp32)) {
            try (NativeModel m = NativeModel.open(dir); LoraAdapters a = LoraAdapters.create(m, spec, 4);
                 NativeTrainer t = NativeTrainer.create(m, a, settings())) {
                losses.add(steps(t, it, 4));
                if (dir == q4) {
                    assertEquals("q_affine", m.info().weightDtype());
                    assertEquals(4, m.info().quantBits());
                }
            }
        }
        for (int s = 0; s < 4; s++) {
            assertEquals(losses.get(1).get(s), losses.get(0).get(s), 1e-4, "step " + s + " loss");
        }
        assertNotEquals(losses.get(0).get(0), losses.get(0).get(3), "and it trains");
    }

    @Test
    void adapterFilesLoadBackEqualWithMlxLmConfig() throws Exception {
        SamHome home = TestHomes.fresh(tmp.resolve("home"));
        Files.createSymbolicLink(home.baseModel("tiny"), tiny);
        LoraSpec spec = new LoraSpec(8, 2f, 0.05f, 1, List.of("q_proj", "v_proj", "down_proj"));
        Path dir = Files.createDirectories(tmp.resolve("adapters"));
        List<float[]> written = new ArrayList<>();
        try (NativeModel m = NativeModel.open(tiny); LoraAdapters a = LoraAdapters.create(m, spec, 3)) {
            for (LoraAdapters.Tensor t : a.tensors()) {
                float[] v = a.read(t);
                for (int i = 0; i < v.length; i++) {
                    v[i] += 0.001f * (i % 7);   // lora_b is zero after init: make every tensor distinct
                }
                a.write(t, v);
                written.add(v);
            }
            a.save(dir.resolve("adapters.safetensors"));
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("batch_size", 4);
            args.put("iters", 100);
            args.put("learning_rate", 1e-4);
            args.put("max_seq_length", 512);
            args.put("grad_checkpoint", true);
            args.put("mask_prompt", true);
            args.put("seed", 0);
            AdapterConfig.of(spec, "tiny").write(dir.resolve("adapter_config.json"), 16.0, args);
        }
        JsonNode c = Json.mapper().readTree(dir.resolve("adapter_config.json").toFile());
        for (String k : List.of("fine_tune_type", "num_layers", "lora_parameters", "model", "batch_size", "iters",
                "learning_rate", "max_seq_length", "grad_checkpoint", "mask_prompt", "seed")) {
            assertTrue(c.has(k), k + " in " + c);
        }
        assertEquals("lora", c.get("fine_tune_type").asText());
        assertEquals(1, c.get("num_layers").asInt());
        assertEquals(Json.mapper().readTree("{\"alpha\":16.0,\"dropout\":0.05,\"keys\":"
                + "[\"self_attn.q_proj\",\"self_attn.v_proj\",\"mlp.down_proj\"],\"rank\":8,\"scale\":2.0}"),
                c.get("lora_parameters"));
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.stream().sorted().toList(), keys, "flat and sorted like mlx-lm's save_config");

        AdapterConfig back = AdapterConfig.load(dir);
        assertEquals(spec.mlxKeys(), back.keys());
        assertEquals(spec, back.toLoraSpec());
        try (NativeModel m = NativeModel.open(tiny);
             LoraAdapters a = dev.sam.train.infer.ChatEngine.loadAdapters(m, dir)) {
            assertEquals(written.size(), a.tensors().size());
            for (LoraAdapters.Tensor t : a.tensors()) {
                assertArrayEquals(written.get(t.index()), a.read(t), t.name());
            }
        }
        AdapterSanity.Result s = new AdapterSanity(home).check(dir, new AdapterSanity.BaseChoice(null, null, null),
                false);
        assertTrue(s.checks().stream().allMatch(x -> x.outcome() == Check.Outcome.PASSED), s.checks().toString());
    }
}
