package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.sam.core.TestHomes;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "DPO oracle": the native preference step (native/src/dpo.c) against an independent float64
 * PyTorch implementation of TRL's sigmoid DPO loss ({@code DPOTrainer.dpo_loss}, loss_type "sigmoid"):
 * <pre>
 * logits = (pi_chosen - pi_rejected) - (ref_chosen - ref_rejected)
 * losses = -logsigmoid(beta * logits) * (1 - label_smoothing) - logsigmoid(-beta * logits) * label_smoothing
 * </pre>
 * with pi and ref the summed log-probabilities of each completion, the prompt masked, averaged over the
 * pairs. The policy is the shared tiny Qwen2 fixture with LoRA; the reference is the same base without
 * LoRA (the default) or with a second, frozen adapter set (the active version's). On the PyTorch side the
 * reference log-probabilities are computed by PyTorch too; on the native side by {@code sam_eval_loss}.
 * Loss within 1e-5 relative, every LoRA gradient within 1e-3 relative (max-norm).
 */
class PreferenceOracleTest {
    private static final Path MODEL = TestHomes.testdata("qwen2-tiny").resolve("fp32");
    private static final List<String> ALL =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    private static TestWeights weights;

    @BeforeAll
    static void load() throws Exception {
        weights = TestWeights.read(MODEL.resolve("model.safetensors"));
        Engine.getEngine("PyTorch");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("base reference, beta 0.1", 0.1f, 0f, false, false, 0L),
                Arguments.of("base reference, beta 0.5, label smoothing 0.1", 0.5f, 0.1f, false, true, 0L),
                Arguments.of("active-adapter reference, beta 0.1", 0.1f, 0f, true, false, 0L),
                Arguments.of("active-adapter reference, beta 1, label smoothing 0.25, checkpointing", 1f, 0.25f, true, true, 0L),
                // memory plan: a 1-byte budget runs the two pairs a row per pass (every row's forward, then each
                // row's forward again before its backward)
                Arguments.of("base reference, beta 0.5, label smoothing 0.1, a row per pass", 0.5f, 0.1f, false, true, 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndLoraGradientsMatchTrlsSigmoidLoss(String name, float beta, float eps, boolean adapterReference,
                                                  boolean checkpoint, long budget) throws Exception {
        // Two pairs: each a shared prompt and two completions of other lengths (rows padded to 26).
        int[][] rows = new int[4][];
        int[] promptLen = {9, 7};
        for (int p = 0; p < 2; p++) {
            int[] prompt = OracleChecks.randomIds(promptLen[p], 100 + p);
            rows[2 * p] = concat(prompt, OracleChecks.randomIds(p == 0 ? 8 : 12, 200 + p));
            rows[2 * p + 1] = concat(prompt, OracleChecks.randomIds(p == 0 ? 11 : 5, 300 + p));
        }
        int seq = 26;
        int[] tokens = new int[4 * seq];
        byte[] mask = new byte[4 * seq];
        int[] lengths = new int[4];
        for (int r = 0; r < 4; r++) {
            lengths[r] = rows[r].length;
            System.arraycopy(rows[r], 0, tokens, r * seq, rows[r].length);
            for (int t = promptLen[r / 2]; t < rows[r].length; t++) {
                mask[r * seq + t] = 1;
            }
        }
        TokenBatch batch = new TokenBatch(tokens, lengths, mask, 4, seq);
        LoraSpec spec = new LoraSpec(4, 2.0f, 0f, -1, ALL);

        try (NativeModel model = NativeModel.open(MODEL);
             LoraAdapters lora = LoraAdapters.create(model, spec, 7);
             LoraAdapters refLora = adapterReference ? LoraAdapters.create(model, spec, 8) : null;
             NDManager nd = NDManager.newBaseManager("PyTorch")) {
            OracleChecks.randomizeB(lora, 11);
            if (refLora != null) {
                OracleChecks.randomizeB(refLora, 12);
            }
            double[] refLogp = NativeEval.loss(model, refLora, batch).lossSum().clone();
            for (int r = 0; r < 4; r++) {
                refLogp[r] = -refLogp[r];
            }
            double nativeLoss;
            float[][] nativeGrads = new float[lora.tensors().size()][];
            try (NativeTrainer trainer = NativeTrainer.create(model, lora, TrainSettings.builder().learningRate(1e-4)
                    .maxBatch(4).maxSeqLen(seq).seed(1).gradCheckpoint(checkpoint).memoryBudget(budget).build())) {
                assertEquals(budget == 1 ? 1 : 4, trainer.plan().rowsPerPass(), name + ": rows per pass");
                nativeLoss = trainer.accumulatePreference(batch, refLogp, beta, eps).meanLoss();
                for (LoraAdapters.Tensor t : lora.tensors()) {
                    nativeGrads[t.index()] = trainer.gradient(t);
                }
            }

            // PyTorch, float64: the reference log-probabilities from its own reference model
            double[] torchRef = new double[4];
            Qwen2Reference reference = OracleChecks.reference(nd, MODEL, weights, refLora);
            for (int r = 0; r < 4; r++) {
                torchRef[r] = logProb(nd, reference, rows[r], mask, r, seq).getDouble();
            }
            Qwen2Reference policy = OracleChecks.reference(nd, MODEL, weights, lora);
            double refLoss;
            // constants as arrays held until after backward (a DJL scalar made from a Java number can be
            // collected before backward runs: see Qwen2Reference's scalars)
            NDArray cBeta = nd.create((double) beta);
            NDArray cKeep = nd.create(1.0 - eps);
            NDArray cEps = nd.create((double) eps);
            NDArray cHalf = nd.create(0.5);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray total = null;
                for (int p = 0; p < 2; p++) {
                    NDArray chosen = logProb(nd, policy, rows[2 * p], mask, 2 * p, seq);
                    NDArray rejected = logProb(nd, policy, rows[2 * p + 1], mask, 2 * p + 1, seq);
                    NDArray refMargin = nd.create(torchRef[2 * p] - torchRef[2 * p + 1]);
                    NDArray logits = chosen.sub(rejected).sub(refMargin);
                    NDArray z = logits.mul(cBeta);
                    NDArray l = logSigmoid(nd, z).mul(cKeep).neg().sub(logSigmoid(nd, z.neg()).mul(cEps));
                    total = total == null ? l : total.add(l);
                }
                NDArray loss = total.mul(cHalf);
                refLoss = loss.getDouble();
                gc.backward(loss);
            }
            assertEquals(refLoss, nativeLoss, 1e-5 * Math.abs(refLoss), name + ": loss");
            OracleChecks.gradientsMatch(name, lora, nativeGrads, policy);
        }
    }

    /** log sigmoid(x) = -softplus(-x), written stably: min(x, 0) - log(1 + exp(-|x|)). */
    private static NDArray logSigmoid(NDManager nd, NDArray x) {
        return x.minimum(nd.create(0.0)).sub(x.abs().neg().exp().add(nd.create(1.0)).log());
    }

    /** Summed log-probability of row r's scored targets: -(mean CE) x their count. */
    private static NDArray logProb(NDManager nd, Qwen2Reference m, int[] ids, byte[] mask, int r, int seq) {
        byte[] scored = Arrays.copyOfRange(mask, r * seq, r * seq + ids.length);
        int n = 0;
        for (byte b : scored) {
            n += b;
        }
        return m.loss(ids, scored).mul(m.scalar(-n)); // a held scalar: Qwen2Reference.scalar
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
