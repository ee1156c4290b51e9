package dev.sam.train.run;

import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.train.data.DatasetSplit;
import dev.sam.train.data.TrainingRecord;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test homes for the training pipeline (shared with sam-cli's tests through the test-jar): the tiny
 * model registered as "tiny", a small "tiny" profile in config.yaml, and a learnable synthetic task.
 *
 * <p>The task: "Say hello in LANG." plus random filler words → the fixed hello-world line of LANG. The
 * answer depends only on the language, so a model that learns it also answers held-out prompts (new
 * filler): its held-out loss falls. With {@code shuffled} the answers are assigned at random: nothing
 * about the prompt predicts them.
 */
public final class TrainHomes {
    public static final List<String> LANGS = List.of("python", "rust", "java", "go", "ruby", "swift", "kotlin",
            "haskell");
    public static final List<String> ANSWERS = List.of("print('hello')", "println!(\"hello\");",
            "System.out.println(\"hello\");", "fmt.Println(\"hello\")", "puts 'hello'", "print(\"hello\")",
            "println(\"hello\")", "main = putStrLn \"hello\"");
    private static final List<String> FILLER = List.of("please", "quickly", "now", "for", "me", "today", "again",
            "kindly", "thanks", "friend", "here", "simply", "briefly", "once", "team", "code", "demo", "test",
            "small", "plain");

    private TrainHomes() {
    }

    /** Writes the tiny model to models/base/tiny (cached per JVM in {@code cache}, copied). */
    public static Path tinyModel(SamHome home, Path cache) throws IOException {
        Path src = cache.resolve("tiny-model");
        if (!Files.isDirectory(src)) {
            TinyModel.write(src, TinyModel.Options.defaults().with(null, null, 256, null), ProgressListener.NONE);
        }
        Path dst = home.baseModel("tiny");
        Files.createDirectories(dst);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(f), dst.resolve(f));
        }
        return dst;
    }

    /**
     * config.yaml with a "tiny" profile (default) suited to the tiny model: seconds per run; evaluations run
     * 2 code tasks per model (the tiny model passes none; the suite itself is tested in CodeExecutionTest).
     */
    public static void config(SamHome home, int minSamples, int maxSteps, String extra) throws IOException {
        config(home, minSamples, maxSteps, 192, 20, extra);
    }

    /** The same with its sequence length and its checkpoint and evaluation interval. */
    public static void config(SamHome home, int minSamples, int maxSteps, int maxSeqLength, int every, String extra)
            throws IOException {
        Files.writeString(home.configFile(), """
                training:
                  min_samples: %d
                  default_profile: tiny
                  profiles:
                    tiny:
                      base_model: tiny
                      lora_layers: -1
                      rank: 8
                      alpha: 16
                      batch_size: 4
                      grad_accum: 1
                      learning_rate: 0.005
                      lr_schedule: cosine
                      warmup_steps: 5
                      max_seq_length: %d
                      epochs: 1
                      max_steps: %d
                      targets: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]
                      checkpoint_every: %d
                      eval_every: %d
                      seed: 1
                eval:
                  code:
                    tasks: 2
                %s""".formatted(minSamples, maxSeqLength, maxSteps, every, every, extra == null ? "" : extra));
    }

    /**
     * {@code n} chat samples of the hello task in training_data/distillation/task.jsonl. With
     * {@code shuffledTraining} the answers of the samples on the training side of the split are random
     * (the random-labels test): the samples on the validation side keep their true answers, so the
     * held-out set measures the real task.
     */
    public static Path helloTask(SamHome home, int n, boolean shuffledTraining, long seed) throws IOException {
        Random r = new Random(seed);
        DatasetSplit split = DatasetSplit.standard();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int lang = r.nextInt(LANGS.size());
            StringBuilder prompt = new StringBuilder("Say hello in " + LANGS.get(lang) + ".");
            for (int k = 0; k < 3; k++) {
                prompt.append(' ').append(FILLER.get(r.nextInt(FILLER.size())));
            }
            prompt.append(" #").append(i);
            String answer = ANSWERS.get(lang);
            if (shuffledTraining && !split.isValidation(record(prompt.toString(), answer))) {
                do {
                    answer = ANSWERS.get(r.nextInt(ANSWERS.size()));
                } while (split.isValidation(record(prompt.toString(), answer)));
            }
            lines.add(chat(prompt.toString(), answer));
        }
        Path f = home.sourceDir("distillation").resolve("task.jsonl");
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static TrainingRecord record(String user, String assistant) {
        return new TrainingRecord(null, "distillation", Path.of("task.jsonl"), 1, List.of(new ChatMessage("user", user),
                new ChatMessage("assistant", assistant)), null, null);
    }

    public static String chat(String user, String assistant) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messages", List.of(Map.of("role", "user", "content", user), Map.of("role", "assistant",
                "content", assistant)));
        return Json.write(m);
    }
}
