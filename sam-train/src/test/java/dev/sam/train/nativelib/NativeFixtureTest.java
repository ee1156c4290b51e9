package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.TestHomes;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Oracle (1) of docs/architecture.md ("How the trainer is checked") through the Java binding: testdata/qwen2-tiny/expected.json was computed by two
 * independent implementations of HF Qwen2. Losses within 1e-4 relative, logits within 1e-3, greedy ids
 * exact — for fp32, fp32 + mlx-lm adapters, and the MLX 4-bit copy.
 */
class NativeFixtureTest {
    private static final Path DIR = TestHomes.testdata("qwen2-tiny");
    private static final LoraSpec FIXTURE_LORA =
            new LoraSpec(4, 2.0f, 0f, 2, List.of("q_proj", "k_proj", "v_proj", "o_proj"));
    private static JsonNode expected;
    private static int[] ids;

    @BeforeAll
    static void load() throws Exception {
        expected = Json.mapper().readTree(Files.readString(DIR.resolve("expected.json")));
        ids = new int[expected.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = expected.get("ids").get(i).asInt();
        }
    }

    private static double meanLoss(NativeModel m, LoraAdapters a, int maskFrom) {
        NativeEval.RowLosses r = NativeEval.loss(m, a, TokenBatch.single(ids, maskFrom));
        return r.totalLoss() / r.totalTargets();
    }

    private static void assertRel(String key, double actual) {
        double want = expected.get(key).asDouble();
        assertEquals(want, actual, 1e-4 * Math.abs(want), key);
    }

    @Test
    void fp32LossesMaskedAndUnmasked() {
        try (NativeModel m = NativeModel.open(DIR.resolve("fp32"))) {
            assertRel("loss_fp32", meanLoss(m, null, 1));
            assertRel("loss_fp32_masked", meanLoss(m, null, expected.get("mask_from").asInt()));
        }
    }

    @Test
    void mlxLmAdaptersChangeTheLossAsExpected() {
        try (NativeModel m = NativeModel.open(DIR.resolve("fp32"));
             LoraAdapters a = LoraAdapters.load(m, FIXTURE_LORA, DIR.resolve("adapters/adapters.safetensors"))) {
            assertEquals(16, a.tensors().size());
            assertRel("loss_fp32_adapters", meanLoss(m, a, 1));
            assertRel("loss_fp32_adapters_masked", meanLoss(m, a, expected.get("mask_from").asInt()));
        }
    }

    @Test
    void mlx4BitQuantizedModelWithQuantizedTiedHead() {
        try (NativeModel m = NativeModel.open(DIR.resolve("mlx-4bit-g32"))) {
            assertEquals(4, m.info().quantBits());
            assertEquals(32, m.info().quantGroupSize());
            assertRel("loss_mlx4bit", meanLoss(m, null, 1));
        }
    }

    @Test
    void lastPositionLogits() {
        try (NativeModel m = NativeModel.open(DIR.resolve("fp32"));
             LoraAdapters a = LoraAdapters.load(m, FIXTURE_LORA, DIR.resolve("adapters/adapters.safetensors"))) {
            assertLogits("logits_fp32_last_first8", NativeEval.logits(m, null, ids), m.info().vocabSize());
            assertLogits("logits_fp32_adapters_last_first8", NativeEval.logits(m, a, ids), m.info().vocabSize());
        }
    }

    private static void assertLogits(String key, float[] logits, int vocab) {
        int last = (ids.length - 1) * vocab;
        for (int i = 0; i < 8; i++) {
            assertEquals(expected.get(key).get(i).asDouble(), logits[last + i], 1e-3, key + "[" + i + "]");
        }
    }

    @Test
    void greedyGenerationWithKvCache() {
        int[] prompt = Arrays.copyOf(ids, 6);
        try (NativeModel m = NativeModel.open(DIR.resolve("fp32"));
             LoraAdapters a = LoraAdapters.load(m, FIXTURE_LORA, DIR.resolve("adapters/adapters.safetensors"))) {
            assertEquals(expectedIds("greedy8_fp32"), greedy(m, null, prompt));
            assertEquals(expectedIds("greedy8_fp32_adapters"), greedy(m, a, prompt));
        }
    }

    /** The decode path, teacher-forced (what parity studies of a decode precision score), is the full forward. */
    @Test
    void scoredContinuationIsTheFullForwardRowByRow() {
        int[] prompt = Arrays.copyOf(ids, 6);
        int[] rest = Arrays.copyOfRange(ids, 6, ids.length);
        try (NativeModel m = NativeModel.open(DIR.resolve("fp32"));
             LoraAdapters a = LoraAdapters.load(m, FIXTURE_LORA, DIR.resolve("adapters/adapters.safetensors"));
             NativeGenerator g = NativeGenerator.create(m, a, GenSettings.greedy(0, ids.length, List.of()))) {
            int v = m.info().vocabSize();
            float[] full = NativeEval.logits(m, a, ids);
            float[] scored = g.score(prompt, rest, v);
            assertEquals(rest.length * v, scored.length);
            for (int i = 0; i < scored.length; i++) {
                assertEquals(full[(prompt.length - 1) * v + i], scored[i], 1e-4, "logit " + i);
            }
            assertEquals(expectedIds("greedy8_fp32_adapters"), greedy(m, a, prompt), "the generator is reusable");
        }
    }

    private static List<Integer> greedy(NativeModel m, LoraAdapters a, int[] prompt) {
        try (NativeGenerator g = NativeGenerator.create(m, a, GenSettings.greedy(8, 64, List.of()))) {
            return g.generate(prompt);
        }
    }

    private static List<Integer> expectedIds(String key) {
        List<Integer> out = new ArrayList<>();
        expected.get(key).forEach(n -> out.add(n.asInt()));
        return out;
    }
}
