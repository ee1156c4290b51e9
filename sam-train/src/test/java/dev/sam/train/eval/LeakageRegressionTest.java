package dev.sam.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.split.OriginSplit;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.TokenizedDataset;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.model.TinyModel;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TrainSettings;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leakage regression (issue "Evaluation you can trust"): each origin yields two mirrored samples — an
 * "implement" and an "explain" sample whose answers share the origin's made-up name — as a documented
 * function yields an implement and a document sample. Split sample by sample (the old content-hash rule),
 * most held-out samples have their mirror in training, and the tiny model trained on that side shows a
 * measurably lower held-out loss than the same model trained on the grouped split (by origin) of the
 * same data: the old split's held-out loss was optimistic (measured: 3.70 against 4.78 nats with seed 7, 3.45
 * against 4.40 with seed 8; at 150 steps the model has not yet learned the names and the gap is not there).
 */
class LeakageRegressionTest {
    static final int ORIGINS = 32;
    static final int STEPS = 300;

    @TempDir
    static Path tmp;
    static Path model;

    /** A sample with its origin. */
    record S(String origin, TrainingRecord record) {
    }

    @BeforeAll
    static void tinyModel() throws Exception {
        model = tmp.resolve("tiny");
        TinyModel.write(model, TinyModel.Options.defaults().with(null, null, 256, null), ProgressListener.NONE);
    }

    static List<S> mirroredData(long seed) {
        Random r = new Random(seed);
        String letters = "bcdfgklmnprstvz";
        String vowels = "aeiou";
        List<S> out = new ArrayList<>();
        for (int i = 0; i < ORIGINS; i++) {
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < 4; k++) {
                name.append(letters.charAt(r.nextInt(letters.length()))).append(vowels.charAt(r.nextInt(vowels.length())));
            }
            String origin = "code:src/util.py#helper" + i;
            out.add(new S(origin, rec("Implement helper " + i + ".", name.toString())));
            out.add(new S(origin, rec("Explain helper " + i + ".", "It is " + name)));
        }
        return out;
    }

    static TrainingRecord rec(String q, String a) {
        return new TrainingRecord(null, "code_patterns", Path.of("x.jsonl"), 1, List.of(new ChatMessage("user", q),
                new ChatMessage("assistant", a)), null, null);
    }

    @Test
    void theSampleBySampleSplitLeaksAndLooksBetterThanTheGroupedSplit() throws Exception {
        List<S> data = mirroredData(7);
        OriginSplit rule = new OriginSplit(0.25);
        OriginSplit.Result<S> bySample = rule.split(data, s -> OriginSplit.origin(null, s.record().messages(), null));
        OriginSplit.Result<S> byOrigin = rule.split(data, s -> OriginSplit.origin(s.origin(), s.record().messages(), null));

        assertEquals(0, mirrored(byOrigin), "the grouped split keeps both samples of an origin on one side");
        int leaked = mirrored(bySample);
        assertTrue(leaked >= bySample.valid().size() / 2, "most held-out samples of the old split have their mirror"
                + " in training: " + leaked + " of " + bySample.valid().size());

        double leakyLoss = heldOutLoss(bySample);
        double honestLoss = heldOutLoss(byOrigin);
        System.out.printf("leakage regression: held-out loss %.4f split by sample (%d of %d held-out samples mirrored in"
                + " training), %.4f split by origin%n", leakyLoss, leaked, bySample.valid().size(), honestLoss);
        assertTrue(leakyLoss < honestLoss - 0.3, "the leaky split's held-out loss " + leakyLoss
                + " is measurably below the grouped split's " + honestLoss);
    }

    /** How many held-out samples have a sample of the same origin in training. */
    static int mirrored(OriginSplit.Result<S> split) {
        Set<String> train = new HashSet<>();
        split.train().forEach(s -> train.add(s.origin()));
        return (int) split.valid().stream().filter(s -> train.contains(s.origin())).count();
    }

    /** Trains the tiny model on the train side (fixed seed and steps) and returns the held-out loss. */
    static double heldOutLoss(OriginSplit.Result<S> split) throws Exception {
        TokenizedDataset train;
        TokenizedDataset valid;
        try (Tokenizer tok = Tokenizer.load(model)) {
            ExampleTokenizer et = new ExampleTokenizer(tok, ChatTemplate.qwen(), 96);
            train = et.tokenize(split.train().stream().map(S::record).toList());
            valid = et.tokenize(split.valid().stream().map(S::record).toList());
        }
        LoraSpec spec = new LoraSpec(16, 4f, 0f, -1, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                "up_proj", "down_proj"));
        try (NativeModel m = NativeModel.open(model); LoraAdapters a = LoraAdapters.create(m, spec, 0);
             NativeTrainer t = NativeTrainer.create(m, a, TrainSettings.builder().learningRate(3e-3).maxBatch(4)
                     .maxSeqLen(96).cosine(true).warmupSteps(20).totalSteps(STEPS).minLr(1e-5f).build())) {
            BatchIterator it = new BatchIterator(train.examples(), 4, 0, 0);
            for (int step = 0; step < STEPS; step++) {
                t.accumulate(it.batch(step).toTokenBatch());
                t.apply();
            }
            return HeldOutLoss.of(m, a, valid.examples()).loss();
        }
    }
}
