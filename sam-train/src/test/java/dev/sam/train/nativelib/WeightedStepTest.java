package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import dev.sam.train.data.Batch;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.SampleWeights;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "Weights", through the real native step and SampleWeights' per-step normalization: doubling a
 * sample's weight gives the gradient of the sample duplicated (within one micro-batch, and across
 * micro-batches of one accumulated step as the 8gb profile's batch 1 × grad accum runs them); a sample of
 * weight 0 leaves the gradient of the others as if it were absent, and a step of only weight-0 samples
 * leaves the adapters bit for bit unchanged.
 */
class WeightedStepTest {
    static final double TOL = 1e-5;

    @TempDir
    static Path tmp;
    static Path tiny;
    static TokenizedExample a;
    static TokenizedExample b;
    static TokenizedExample z;

    @BeforeAll
    static void model() throws Exception {
        tiny = TinyModels.tiny(tmp.resolve("tiny"));
        List<TrainingRecord> r = new ArrayList<>();
        for (String[] qa : new String[][] {{"Which colour?", "The colour is blue."},
            {"Which number comes after seven?", "Eight, then nine."}, {"Name a fruit.", "A pear."}}) {
            r.add(new TrainingRecord(null, "s", Path.of("x.jsonl"), r.size(), List.of(new ChatMessage("user", qa[0]),
                    new ChatMessage("assistant", qa[1])), null, null));
        }
        try (Tokenizer tok = Tokenizer.load(tiny)) {
            List<TokenizedExample> e = new ExampleTokenizer(tok, ChatTemplate.qwen(), 64).tokenize(r).examples();
            a = e.get(0);
            b = e.get(1);
            z = e.get(2);
        }
    }

    /** One micro-batch per inner list, rows weighted as given; the accumulated (step) gradient, flattened. */
    private static float[] stepGradient(NativeModel m, LoraAdapters lora, List<List<TokenizedExample>> micro,
                                        List<double[]> weights) {
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < micro.size(); i++) {
            batches.add(Batch.of(i, 0, micro.get(i), weights.get(i), 0));
        }
        float[][] w = SampleWeights.forStep(batches);
        try (NativeTrainer t = NativeTrainer.create(m, lora, settings())) {
            for (int i = 0; i < batches.size(); i++) {
                t.accumulate(batches.get(i).toTokenBatch(), w[i]);
            }
            List<float[]> parts = new ArrayList<>();
            int n = 0;
            for (LoraAdapters.Tensor x : lora.tensors()) {
                float[] g = t.gradient(x);
                parts.add(g);
                n += g.length;
            }
            float[] out = new float[n];
            int k = 0;
            for (float[] g : parts) {
                System.arraycopy(g, 0, out, k, g.length);
                k += g.length;
            }
            return out;
        }
    }

    static TrainSettings settings() {
        return TrainSettings.builder().learningRate(1e-2).maxBatch(3).maxSeqLen(64).weightDecay(0).build();
    }

    private static LoraAdapters adapters(NativeModel m) {
        LoraAdapters l = LoraAdapters.create(m, new LoraSpec(4, 2f, 0f, -1, List.of("q_proj", "v_proj", "down_proj")),
                3);
        java.util.Random r = new java.util.Random(5);
        for (LoraAdapters.Tensor x : l.tensors()) {   // non-zero B: every tensor gets gradient
            float[] v = l.read(x);
            if (x.name().endsWith("lora_b")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.05);
                }
                l.write(x, v);
            }
        }
        return l;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double mx = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            mx = Math.max(mx, Math.abs(expected[i]));
            err = Math.max(err, Math.abs((double) expected[i] - actual[i]));
        }
        assertTrue(mx > 0, what + ": zero gradient, nothing compared");
        assertTrue(err <= TOL * mx, what + ": max abs diff " + err + " vs scale " + mx);
    }

    @Test
    void doublingAWeightEqualsDuplicatingTheSample() {
        try (NativeModel m = NativeModel.open(tiny); LoraAdapters l = adapters(m)) {
            float[] dup = stepGradient(m, l, List.of(List.of(a, a, b)), List.of(new double[] {1, 1, 1}));
            float[] twice = stepGradient(m, l, List.of(List.of(a, b)), List.of(new double[] {2, 1}));
            assertClose(dup, twice, "one micro-batch {a, a, b} vs {a (w 2), b}");
            // batch 1 with gradient accumulation: [a] [a] [b] vs [a w 2] [b]
            float[] dupAcc = stepGradient(m, l, List.of(List.of(a), List.of(a), List.of(b)),
                    List.of(new double[] {1}, new double[] {1}, new double[] {1}));
            float[] twiceAcc = stepGradient(m, l, List.of(List.of(a), List.of(b)),
                    List.of(new double[] {2}, new double[] {1}));
            assertClose(dupAcc, twiceAcc, "accumulated [a][a][b] vs [a w 2][b]");
            assertClose(dup, dupAcc, "the step's weighted token mean does not depend on how it is cut");
        }
    }

    @Test
    void aWeightZeroSampleChangesNothing() {
        try (NativeModel m = NativeModel.open(tiny); LoraAdapters l = adapters(m)) {
            float[] alone = stepGradient(m, l, List.of(List.of(a, b)), List.of(new double[] {1, 1}));
            float[] withZero = stepGradient(m, l, List.of(List.of(a, z, b)), List.of(new double[] {1, 0, 1}));
            assertClose(alone, withZero, "{a, b} vs {a, z (w 0), b}");
            float[] acc = stepGradient(m, l, List.of(List.of(a, b), List.of(z)),
                    List.of(new double[] {1, 1}, new double[] {0}));
            assertClose(alone, acc, "[a, b] vs [a, b][z w 0]");

            List<float[]> before = l.tensors().stream().map(l::read).toList();
            Batch only = Batch.of(0, 0, List.of(z), new double[] {0}, 0);
            try (NativeTrainer t = NativeTrainer.create(m, l, settings())) {
                t.accumulate(only.toTokenBatch(), SampleWeights.forStep(List.of(only))[0]);
                t.apply();
            }
            for (LoraAdapters.Tensor x : l.tensors()) {
                assertArrayEquals(before.get(x.index()), l.read(x), x.name() + " changed by a weight-0 step");
            }
        }
    }
}
