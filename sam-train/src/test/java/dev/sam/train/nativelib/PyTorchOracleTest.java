package dev.sam.train.nativelib;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.sam.core.TestHomes;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Oracle (2) of docs/architecture.md ("How the trainer is checked"): the same tiny Qwen2 (testdata/qwen2-tiny/fp32: GQA 4/2 heads, q/k/v biases, tied
 * embeddings) built in PyTorch through DJL from the same safetensors and LoRA values. The native loss must
 * agree within 1e-4 relative and every LoRA gradient within 1e-3 relative (max-norm), with and without
 * activation checkpointing, masked and unmasked, attention-only and all-module targets, on a padded batch,
 * unweighted and with per-row sample weights (the reference multiplies each row's cross-entropy sum by its weight),
 * and under a memory plan that runs the batch a row per pass or keeps every layer's activations (AUTO).
 */
class PyTorchOracleTest {
    private static final Path MODEL = TestHomes.testdata("qwen2-tiny").resolve("fp32");
    private static TestWeights weights;

    @BeforeAll
    static void load() throws Exception {
        weights = TestWeights.read(MODEL.resolve("model.safetensors"));
        Engine.getEngine("PyTorch"); // fails fast when the offline PyTorch native library is missing
    }

    static Stream<Arguments> cases() {
        List<String> attn = List.of("q_proj", "k_proj", "v_proj", "o_proj");
        List<String> all = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        return Stream.of(
                Arguments.of("attention, masked, checkpointing", attn, 2, true, true, null, 0L),
                Arguments.of("attention, masked, no checkpointing", attn, 2, true, false, null, 0L),
                Arguments.of("attention, unmasked, checkpointing", attn, 2, false, true, null, 0L),
                Arguments.of("all modules, all layers, masked, no checkpointing", all, -1, true, false, null, 0L),
                Arguments.of("all modules, last layer, unmasked, checkpointing", all, 1, false, true, null, 0L),
                // sample weights (training.weighting): row b's CE sum counts w_b times, still over all targets
                Arguments.of("attention, masked, row weights 1.7 / 0.3", attn, 2, true, false, new float[] {1.7f, 0.3f}, 0L),
                Arguments.of("all modules, unmasked, checkpointing, row weights 0 / 2.5", all, -1, false, true,
                        new float[] {0f, 2.5f}, 0L),
                // memory plan: a 1-byte budget runs the batch a row per pass; an ample one keeps the activations
                Arguments.of("all modules, masked, a row per pass (memory budget)", all, -1, true, true, null, 1L),
                Arguments.of("attention, unmasked, a row per pass, row weights 1.7 / 0.3", attn, 2, false, true,
                        new float[] {1.7f, 0.3f}, 1L),
                Arguments.of("all modules, masked, checkpointing AUTO within an ample budget", all, -1, true, true, null,
                        1L << 40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndLoraGradientsMatchPyTorch(String name, List<String> targets, int numLayers, boolean masked,
                                          boolean checkpoint, float[] rowWeights, long budget) throws Exception {
        // Two rows of different length: row 1 is padded; masking scores only the "answer" part.
        int[][] rows = {OracleChecks.randomIds(24, 1), OracleChecks.randomIds(17, 2)};
        int seq = 24;
        int[] tokens = new int[2 * seq];
        byte[] mask = new byte[2 * seq];
        int[] lengths = {rows[0].length, rows[1].length};
        for (int b = 0; b < 2; b++) {
            System.arraycopy(rows[b], 0, tokens, b * seq, rows[b].length);
            for (int t = 1; t < rows[b].length; t++) {
                mask[b * seq + t] = (byte) (!masked || t >= 9 ? 1 : 0);
            }
        }
        TokenBatch batch = new TokenBatch(tokens, lengths, mask, 2, seq);
        LoraSpec spec = new LoraSpec(4, 2.0f, 0f, numLayers, targets);

        try (NativeModel model = NativeModel.open(MODEL);
             LoraAdapters lora = LoraAdapters.create(model, spec, 7);
             NDManager nd = NDManager.newBaseManager("PyTorch")) {
            OracleChecks.randomizeB(lora, 11);
            double nativeLoss;
            float[][] nativeGrads = new float[lora.tensors().size()][];
            try (NativeTrainer trainer = NativeTrainer.create(model, lora,
                    TrainSettings.builder().learningRate(1e-4).maxBatch(2).maxSeqLen(seq).seed(1)
                            .gradCheckpoint(checkpoint).memoryBudget(budget).build())) {
                NativeTrainer.MemoryPlan plan = trainer.plan();
                assertEquals(budget == 1 ? 1 : 2, plan.rowsPerPass(), name + ": rows per pass");
                assertEquals(checkpoint && budget <= 1, plan.recompute(), name + ": recomputation");
                nativeLoss = (rowWeights == null ? trainer.accumulate(batch) : trainer.accumulate(batch, rowWeights))
                        .meanLoss();
                for (LoraAdapters.Tensor t : lora.tensors()) {
                    nativeGrads[t.index()] = trainer.gradient(t);
                }
            }

            Qwen2Reference ref = OracleChecks.reference(nd, MODEL, weights, lora);
            double refLoss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                // Batch loss = sum of per-row CE sums (times the row's weight) / all scored targets.
                NDArray total = null;
                long count = 0;
                for (int b = 0; b < 2; b++) {
                    byte[] m = java.util.Arrays.copyOfRange(mask, b * seq, b * seq + rows[b].length);
                    long n = 0;
                    for (byte x : m) {
                        n += x;
                    }
                    NDArray rowSum = ref.loss(rows[b], m).mul(ref.scalar(n * (rowWeights == null ? 1.0 : rowWeights[b])));
                    total = total == null ? rowSum : total.add(rowSum);
                    count += n;
                }
                NDArray loss = total.div(ref.scalar(count)); // a held scalar, not div(Number): Qwen2Reference.scalar
                refLoss = loss.getDouble();
                gc.backward(loss);
            }
            assertEquals(refLoss, nativeLoss, 1e-4 * Math.abs(refLoss), name + ": loss");
            OracleChecks.gradientsMatch(name, lora, nativeGrads, ref);
        }
    }
}
