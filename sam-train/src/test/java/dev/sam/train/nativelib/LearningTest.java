package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.TokenizedDataset;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.eval.HeldOutLoss;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, "Learning": the tiny model memorizes 20 short chat samples — the loss over all of them falls
 * below 0.1 within a bounded number of steps (it takes ~400); trained on until every sample's own loss is
 * below 0.02, greedy generation through ChatEngine with the saved adapters reproduces every trained
 * answer; the base model alone reproduces none.
 */
class LearningTest {
    static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"};
    static final String[] KEYS = {"cat", "dog", "owl", "fox", "bee", "cow", "elk", "ant", "bat", "yak", "emu", "eel",
        "hen", "pig", "ram", "rat", "ape", "gnu", "jay", "koi"};
    static final int MAX_STEPS = 800;

    @TempDir
    Path tmp;

    @Test
    void memorizesTwentySamples() throws Exception {
        Path model = TinyModels.tiny(tmp.resolve("tiny"));
        List<TrainingRecord> records = new ArrayList<>();
        for (int i = 0; i < WORDS.length; i++) {
            records.add(new TrainingRecord(null, "s", Path.of("x.jsonl"), i, List.of(prompt(i),
                    new ChatMessage("assistant", "The code word is " + WORDS[i] + ".")), null, null));
        }
        TokenizedDataset data;
        try (Tokenizer tok = Tokenizer.load(model)) {
            data = new ExampleTokenizer(tok, ChatTemplate.qwen(), 128).tokenize(records);
        }
        LoraSpec spec = new LoraSpec(16, 4f, 0f, -1, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                "up_proj", "down_proj"));
        Path dir = Files.createDirectories(tmp.resolve("adapters"));
        int steps = 0;
        int below = -1;
        double loss = Double.NaN;
        try (NativeModel m = NativeModel.open(model); LoraAdapters a = LoraAdapters.create(m, spec, 0);
             NativeTrainer t = NativeTrainer.create(m, a, TrainSettings.builder().learningRate(3e-3)
                     .maxBatch(4).maxSeqLen(128).cosine(true).warmupSteps(20).totalSteps(MAX_STEPS).minLr(1e-5f).build())) {
            BatchIterator it = new BatchIterator(data.examples(), 4, 0, 0);
            while (steps < MAX_STEPS) {
                t.accumulate(it.batch(steps).toTokenBatch());
                t.apply();
                steps++;
                if (steps % 50 == 0) {
                    loss = HeldOutLoss.of(m, a, data.examples()).loss();
                    below = below < 0 && loss < 0.1 ? steps : below;
                    if (worst(m, a, data) < 0.02) {
                        break;   // every sample learned, not just the average
                    }
                }
            }
            a.save(dir.resolve("adapters.safetensors"));
            AdapterConfig.of(spec, "tiny").write(dir.resolve("adapter_config.json"), 64.0, Map.of("iters", steps));
        }
        assertTrue(below > 0, "train loss below 0.1 within " + MAX_STEPS + " steps (last " + loss + ")");

        int withAdapters = answered(model, dir);
        int base = answered(model, null);
        assertEquals(WORDS.length, withAdapters, "greedy generation with the adapters reproduces every answer");
        assertEquals(0, base, "the base model alone reproduces none");
    }

    /** The highest per-sample mean loss. */
    private static double worst(NativeModel m, LoraAdapters a, TokenizedDataset data) {
        double w = 0;
        for (var e : data.examples()) {
            NativeEval.RowLosses r = NativeEval.loss(m, a, new TokenBatch(e.tokens(), new int[] {e.length()},
                    e.mask(), 1, e.length()));
            w = Math.max(w, r.totalLoss() / r.totalTargets());
        }
        return w;
    }

    private static ChatMessage prompt(int i) {
        return new ChatMessage("user", "Code word of the " + KEYS[i] + "?");
    }

    private static int answered(Path model, Path adapters) {
        int ok = 0;
        try (ChatEngine e = ChatEngine.open(model, adapters)) {
            for (int i = 0; i < WORDS.length; i++) {
                String text = e.complete(List.of(prompt(i)), GenerationOptions.greedy(24)).text();
                ok += text.equals("The code word is " + WORDS[i] + ".") ? 1 : 0;

            }
        }
        return ok;
    }
}
