package dev.sam.bench;

import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.data.Batch;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.BatchSchedule;
import dev.sam.train.data.CompetenceCurriculum;
import dev.sam.train.data.ExampleTokenizer;
import dev.sam.train.data.SampleWeights;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.data.TrainingRecord;
import dev.sam.train.eval.HeldOutLoss;
import dev.sam.train.model.TinyModel;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TrainSettings;
import dev.sam.train.run.BaseModelLosses;
import dev.sam.train.tokenizer.ChatTemplate;
import dev.sam.train.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Does training.curriculum (and training.weighting) help? The tiny model (random weights, as every
 * benchmark here) is trained on the same synthetic data for the same steps with each setting, several seeds,
 * runs interleaved per seed (A, B, C, … then the next seed) so machine load hits all arms alike; the
 * arm "uniform" is the control for the curriculum arms (their sampler with the whole data admitted from the
 * start, so it differs from them only in the easy-to-hard order, and from "none" only in the batching); the
 * held-out loss (clean data, never trained on) is the measure. Task: "Code of the KEY? filler…" → a fixed
 * answer of 1 to 8 words per key (24 keys; held-out prompts have new filler) — longer answers are harder.
 * Weighting arms train on the same data with 30% of the training answers replaced by another key's answer at
 * quality 0.2 (the rest 1.0): weighting by quality should discount the noise.
 * Prints a table and writes bench/results/&lt;date&gt;-curriculum.json.
 *
 * <pre>bench/curriculum.sh [--steps 400] [--seeds 5] [--lr 1e-3] [--out bench/results]</pre>
 */
public final class CurriculumBench {
    static final String[] WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"
            + " november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split(" ");

    record Arm(String name, String curriculum, boolean noisy, String weighting) {
    }

    static final List<Arm> ARMS = List.of(new Arm("none", "none", false, "none"),
            new Arm("uniform", "uniform", false, "none"), new Arm("length", "length", false, "none"),
            new Arm("loss", "loss", false, "none"),
            new Arm("noisy, unweighted", "none", true, "none"), new Arm("noisy, quality", "none", true, "quality"));

    public static void main(String[] args) throws IOException {
        int steps = 400;
        int seeds = 5;
        double lr = 1e-3;
        Path out = Path.of("bench/results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--lr" -> lr = Double.parseDouble(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bench/curriculum.sh [--steps N (400)] [--seeds N (5)] [--lr X (1e-3)] [--out DIR]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        Path work = Files.createTempDirectory("sam-curriculum-bench");
        Path model = TinyModel.write(work.resolve("tiny"), TinyModel.Options.defaults().with(null, null, 256, null),
                ProgressListener.NONE).dir();
        List<TokenizedExample> clean;
        List<TokenizedExample> noisy;
        List<TokenizedExample> heldOut;
        try (Tokenizer tok = Tokenizer.load(model)) {
            ExampleTokenizer et = new ExampleTokenizer(tok, ChatTemplate.qwen(), 128);
            Random r = new Random(1234);
            List<TrainingRecord> train = records(r, 240, 0);
            List<TrainingRecord> bad = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                TrainingRecord t = train.get(i);
                boolean corrupt = i % 10 < 3;
                String answer = corrupt ? answer((i + 1 + r.nextInt(KEYS.length - 1)) % KEYS.length)
                        : t.messages().get(1).content();
                bad.add(new TrainingRecord(null, "bench", Path.of("noisy.jsonl"), i, List.of(t.messages().get(0),
                        new ChatMessage("assistant", answer)), null, corrupt ? 0.2 : 1.0));
            }
            clean = et.tokenize(train).examples();
            noisy = et.tokenize(bad).examples();
            heldOut = et.tokenize(records(r, 60, 1000)).examples();
        }
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        ARMS.forEach(a -> results.put(a.name(), new ArrayList<>()));
        String loadBefore = MachineInfo.loadAverage();
        long t0 = System.nanoTime();
        try (NativeModel m = NativeModel.open(model)) {
            double[] baseLoss = BaseModelLosses.score(m, clean);
            for (int seed = 0; seed < seeds; seed++) {
                for (Arm a : ARMS) {
                    double[] v = train(m, a, a.noisy() ? noisy : clean, baseLoss, heldOut, steps, seed, lr);
                    results.get(a.name()).add(v);
                    System.err.printf(Locale.ROOT, "seed %d  %-18s held-out loss %.4f  token acc %.3f  exact %.3f%n",
                            seed, a.name(), v[0], v[1], v[2]);
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "curriculum and sample weighting, tiny model (random weights), held-out loss");
        doc.put("date", LocalDate.now().toString());
        doc.put("task", "Code of the KEY? + 0-6 filler words -> a fixed 1-8 word answer per key (24 keys); 240 train"
                + " / 60 held-out (new filler); noisy arms: 30% of training answers are another key's, quality 0.2"
                + " (clean 1.0)");
        doc.put("steps", steps);
        doc.put("seeds", seeds);
        doc.put("settings", Map.of("batch_size", 4, "grad_accum", 1, "learning_rate", lr, "lr_schedule",
                "cosine, 10 warm-up steps", "lora", "rank 8, alpha 16, all layers, all targets",
                "curriculum", "competence c0 0.01, full data at step " + Math.max(1, steps / 2)));
        Map<String, Object> arms = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%nheld-out loss after %d steps, %d seeds, lr %s (lower is better)%n", steps, seeds,
                lr);
        System.out.printf(Locale.ROOT, "%-20s %8s %8s %8s %8s %10s %8s%n", "arm", "median", "mean", "min", "max",
                "token acc", "exact");
        for (var e : results.entrySet()) {
            double[] v = column(e.getValue(), 0);
            double[] tok = column(e.getValue(), 1);
            double[] exact = column(e.getValue(), 2);
            double[] s = v.clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-20s %8.4f %8.4f %8.4f %8.4f %10.3f %8.3f%n", e.getKey(), median(v),
                    mean(v), s[0], s[s.length - 1], median(tok), median(exact));
            Map<String, Object> arm = new LinkedHashMap<>();
            arm.put("held_out_loss", v);
            arm.put("median", median(v));
            arm.put("mean", mean(v));
            arm.put("token_accuracy", tok);
            arm.put("exact_match", exact);
            arms.put(e.getKey(), arm);
        }
        doc.put("arms", arms);
        // paired by seed (same adapter init and dropout seed): how often the arm beats its baseline
        Map<String, Object> paired = new LinkedHashMap<>();
        for (String[] p : new String[][] {{"length", "none"}, {"loss", "none"}, {"length", "uniform"},
            {"loss", "uniform"}, {"noisy, quality", "noisy, unweighted"}}) {
            double[] x = column(results.get(p[0]), 0);
            double[] y = column(results.get(p[1]), 0);
            int wins = 0;
            for (int i = 0; i < x.length; i++) {
                wins += x[i] < y[i] ? 1 : 0;
            }
            paired.put(p[0] + " vs " + p[1], wins + " of " + x.length + " seeds lower");
            System.out.printf(Locale.ROOT, "%-36s %d of %d seeds lower loss%n", p[0] + " vs " + p[1] + ":", wins,
                    x.length);
        }
        doc.put("paired", paired);
        doc.put("wall_seconds", wall);
        doc.put("load_before", loadBefore);
        doc.put("load_after", MachineInfo.loadAverage());
        doc.put("machine", MachineInfo.collect());
        Files.createDirectories(out);
        Path f = out.resolve(LocalDate.now() + "-curriculum" + (steps == 400 ? "" : "-" + steps + "steps")
                + (lr == 1e-3 ? "" : "-lr" + lr) + ".json");
        AtomicFiles.writeString(f, Json.pretty(doc) + "\n");
        System.out.println("results: " + f);
    }

    /** One arm: the run's batch schedule as TrainingBatches builds it, the loop as TrainingLoop runs it. */
    static double[] train(NativeModel m, Arm arm, List<TokenizedExample> data, double[] baseLoss,
                        List<TokenizedExample> heldOut, int steps, long seed, double lr) {
        try (LoraAdapters a = trained(m, arm, data, baseLoss, steps, seed, lr)) {
            double[] acc = HeldOutAccuracy.of(m, a, heldOut);
            return new double[] {HeldOutLoss.of(m, a, heldOut).loss(), acc[0], acc[1]};
        }
    }

    /** The adapter one arm trains (the caller closes it). */
    static LoraAdapters trained(NativeModel m, Arm arm, List<TokenizedExample> data, double[] baseLoss, int steps,
                                long seed, double lr) {
        double[] w = SampleWeights.of(data, arm.weighting());
        long ramp = Math.max(1, steps / 2);
        BatchSchedule s = switch (arm.curriculum()) {
            case "length" -> new CompetenceCurriculum(data, data.stream().mapToDouble(TokenizedExample::length)
                    .toArray(), w, 4, 1, CompetenceCurriculum.C0, ramp, seed, 0);
            case "loss" -> new CompetenceCurriculum(data, baseLoss, w, 4, 1, CompetenceCurriculum.C0, ramp, seed, 0);
            // the control: the curriculum's sampler with everything admitted from step 0 (c0 = 1), i.e. uniformly
            // drawn, mixed-length batches — separates "easy to hard" from "not length-grouped"
            case "uniform" -> new CompetenceCurriculum(data, baseLoss, w, 4, 1, 1.0, ramp, seed, 0);
            default -> new BatchIterator(data, w, 4, seed, 0);
        };
        LoraSpec spec = new LoraSpec(8, 2f, 0f, -1, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                "up_proj", "down_proj"));
        LoraAdapters a = LoraAdapters.create(m, spec, seed);
        try (NativeTrainer t = NativeTrainer.create(m, a,
                TrainSettings.builder().learningRate(lr).maxBatch(4).maxSeqLen(128).cosine(true).warmupSteps(10)
                        .totalSteps(steps).minLr(0).seed(seed).build())) {
            for (int step = 0; step < steps; step++) {
                Batch b = s.batch(step);
                if (w == null) {
                    t.accumulate(b.toTokenBatch());
                } else {
                    t.accumulate(b.toTokenBatch(), SampleWeights.forStep(List.of(b))[0]);
                }
                t.apply();
            }
            return a;
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    static final String[] KEYS = ("cat dog owl fox bee cow elk ant bat yak emu eel hen pig ram rat ape gnu jay koi"
            + " cod asp boa doe").split(" ");
    static final String[] FILLER = "please now quickly today again kindly here then".split(" ");

    /** The answer of key j: 1 + j % 8 words, fixed per key (longer answers: harder samples). */
    static String answer(int j) {
        return words(new Random(100 + j), 1 + j % 8);
    }

    /** {@code n} samples "Code of the KEY? filler…" → the key's answer, keys in turn, random filler. */

    static double[] column(List<double[]> rows, int k) {
        return rows.stream().mapToDouble(r -> r[k]).toArray();
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static List<TrainingRecord> records(Random r, int n, int line0) {
        List<TrainingRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int j = i % KEYS.length;
            StringBuilder p = new StringBuilder("Code of the " + KEYS[j] + "?");
            for (int k = r.nextInt(7); k > 0; k--) {
                p.append(' ').append(FILLER[r.nextInt(FILLER.length)]);
            }
            out.add(new TrainingRecord(null, "bench", Path.of("task.jsonl"), line0 + i, List.of(
                    new ChatMessage("user", p.toString()), new ChatMessage("assistant", answer(j))), null, 1.0));
        }
        return out;
    }

    static String words(Random r, int k) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
