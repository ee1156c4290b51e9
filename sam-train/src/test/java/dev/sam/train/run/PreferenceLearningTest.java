package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.RunStatus;
import dev.sam.train.data.PreferencePairs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "Learning" and "Bad input", through the real pipeline on the tiny model. The supervised data is
 * the hello task (TrainHomes); the preference pairs encode a preference that data does not teach and the
 * random base does not have: a farewell word over another that depends on the prompt's tone (writePairs).
 * Nothing in the supervised data relates a tone to these words, so the supervised adapters prefer the right
 * one on about half of the held-out pairs; the DPO stage
 * that follows must reach a held-out preference accuracy of at least 0.9 while the supervised stage alone
 * stays below it — on two seeds (adapter init, batch order and pair order all follow the profile's seed).
 */
class PreferenceLearningTest {
    @TempDir
    Path tmp;

    @Test
    void dpoLearnsAPreferenceThatSupervisedTrainingDoesNot() throws Exception {
        for (long seed : new long[] {1, 2}) {
            SamHome home = TestHomes.fresh(tmp.resolve("seed" + seed));
            TrainHomes.tinyModel(home, tmp);
            TrainHomes.config(home, 10, 120, 128, 40, null);
            Files.writeString(home.configFile(), Files.readString(home.configFile()).replace("seed: 1", "seed: "
                    + seed + "\n      dpo:\n        beta: 0.1\n        epochs: 2"));
            TrainHomes.helloTask(home, 120, false, 7);
            int pairs = writePairs(home, 200, 3);

            RunResult r = TrainingRunnerTest.train(home, TrainRequest.profile(null));
            Map<String, Object> m = r.run().metrics();
            assertEquals(RunStatus.COMPLETED, r.run().status());
            assertEquals(List.of("sft", "dpo"), m.get("stages"), m.toString());
            int held = ((Number) m.get("dpo_held_out_pairs")).intValue();
            assertTrue(held >= 10, "enough held-out pairs to measure: " + held);
            assertEquals(pairs, held + ((Number) m.get("dpo_pairs")).intValue());
            double sftOnly = ((Number) m.get("preference_accuracy_before")).doubleValue();
            double dpo = ((Number) m.get("preference_accuracy")).doubleValue();
            System.out.printf("seed %d: held-out preference accuracy after SFT %.3f, after SFT+DPO %.3f (%d pairs)%n",
                    seed, sftOnly, dpo, held);
            assertTrue(sftOnly < 0.9, "supervised training alone does not learn the preference: " + sftOnly);
            assertTrue(dpo >= 0.9, "DPO learns it: held-out preference accuracy " + dpo);
            // the evaluation measures it again (against the base, on the held-out pairs) and the rule checks it
            assertEquals(dpo, r.eval().preference().candidate(), 1e-12, "evaluation and training agree");
            assertTrue(r.eval().rules().stream().anyMatch(o -> o.rule().equals("preference") && o.outcome().equals(
                    dev.sam.train.eval.RuleOutcome.PASS)), r.eval().rules().toString());

            // the stage's rows in metrics.jsonl: DPO loss, reward accuracy and margin, chosen/rejected log-probs
            List<JsonNode> rows = new ArrayList<>();
            for (String l : Files.readAllLines(home.runDir(r.run().runId()).resolve("metrics.jsonl"))) {
                rows.add(Json.mapper().readTree(l));
            }
            List<JsonNode> dpoRows = rows.stream().filter(n -> "dpo".equals(n.path("stage").asText(null))
                    && n.has("loss")).toList();
            assertEquals(((Number) m.get("dpo_steps")).intValue(), dpoRows.size());
            for (String k : List.of("loss", "reward_accuracy", "reward_margin", "logp_chosen", "logp_rejected")) {
                assertTrue(dpoRows.get(0).has(k), k + " in " + dpoRows.get(0));
            }
            assertTrue(dpoRows.get(0).get("step").asLong() == 121, "the stage's steps follow the supervised 120");
            // the run's last row: the held-out loss of the adapters it saves (after DPO, not after SFT)
            JsonNode last = rows.get(rows.size() - 1);
            assertEquals("dpo", last.path("stage").asText(), last.toString());
            assertEquals(120 + ((Number) m.get("dpo_steps")).intValue(), last.get("step").asLong(), last.toString());
            assertTrue(last.get("val_loss").isNumber(), last.toString());
            String html = Files.readString(home.runDir(r.run().runId()).resolve("report.html"));
            assertTrue(html.contains("Preference stage (DPO loss)") && html.contains("preference_accuracy"),
                    "report.html shows the stage's loss curve and metrics");
            if (seed == 1) { // --method dpo: no supervised stage, the held-out loss measured once, after DPO
                RunResult only = TrainingRunnerTest.train(home, TrainRequest.builder().method("dpo").build());
                Map<String, Object> om = only.run().metrics();
                assertEquals(List.of("dpo"), om.get("stages"), om.toString());
                assertEquals(0, ((Number) om.get("steps")).intValue(), om.toString());
                assertTrue(((Number) om.get("preference_accuracy")).doubleValue() >= 0.9, om.toString());
                assertTrue(only.eval().valLoss() != null, "evaluated");
            }
            List<String> log = Files.readAllLines(home.trainingLogs().resolve("training_" + r.run().runId() + ".log"));
            assertTrue(log.stream().anyMatch(l -> l.contains("dpo reward acc")), "progress lines show the DPO metrics");
            assertTrue(log.stream().anyMatch(l -> l.contains("held-out preference accuracy")), String.join("\n", log));
        }
    }

    @Test
    void unusablePairsAreCountedAndSkippedAndSftOnlyIgnoresThem() throws Exception {
        SamHome home = TestHomes.fresh(tmp.resolve("bad"));
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 20, 64, 20, null);
        TrainHomes.helloTask(home, 40, false, 7);
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(pair("Say hello in rust.", "", "println!(\"hello\");"));
        bad.add(pair("Say hello in go.", "fmt.Println(\"hello\")", "  fmt.Println(\"hello\")  "));
        bad.add(pair("Say hello in java. " + "word ".repeat(200), "System.out.println(\"hello\");", "puts 'hello'"));
        Map<String, Object> notText = pair("Say hello in ruby.", "puts 'hello'", "x");
        notText.put("rejected", 7);
        bad.add(notText);
        write(home, bad);
        List<String> warnings = new ArrayList<>();
        RunListener listen = new RunListener() {
            @Override
            public void start(String task, long total) {
            }

            @Override
            public void update(long done, String detail) {
            }

            @Override
            public void finish(String summary) {
            }

            @Override
            public void warning(String w) {
                warnings.add(w);
            }
        };
        try (var db = dev.sam.core.store.Database.open(home.database())) {
            TrainingRunner runner = new TrainingRunner(home, dev.sam.core.config.ConfigLoader.load(home.configFile()), db);
            SamException e = assertThrows(SamException.class, () -> runner.run(TrainRequest.builder().method("dpo")
                    .build(), listen, dev.sam.train.runs.StopSignal.NEVER));
            assertTrue(e.getMessage().contains("none of the 4 is usable"), e.getMessage());
            String w = String.join("\n", warnings);
            assertTrue(w.contains("4 preference pair(s) skipped") && w.contains(PreferencePairs.EMPTY + ": 2")
                    && w.contains(PreferencePairs.IDENTICAL + ": 1") && w.contains(PreferencePairs.PROMPT_TOO_LONG + ": 1"), w);

            warnings.clear();
            RunResult auto = runner.run(TrainRequest.profile(null), listen, dev.sam.train.runs.StopSignal.NEVER);
            assertEquals(List.of("sft"), auto.run().metrics().get("stages"), "no usable pair: supervised only");
            assertEquals(4, ((Number) auto.run().metrics().get("dpo_skipped_pairs")).intValue());

            warnings.clear();
            RunResult sft = runner.run(TrainRequest.builder().method("sft").build(), listen,
                    dev.sam.train.runs.StopSignal.NEVER);
            assertFalse(sft.run().metrics().containsKey("dpo_pairs"), sft.run().metrics().toString());
            assertTrue(String.join("\n", warnings).contains("4 DPO preference pair(s) are not used"), warnings.toString());

            SamException m = assertThrows(SamException.class, () -> runner.run(TrainRequest.builder().method("ppo")
                    .build(), listen, dev.sam.train.runs.StopSignal.NEVER));
            assertTrue(m.getMessage().contains("--method must be one of sft, dpo, sft+dpo"), m.getMessage());
        }
    }

    /**
     * The reference pass before the first DPO step takes minutes at the real shape: it shows progress and a stop
     * request ends the stage at once, interrupted, without a step.
     */
    @Test
    void aStopDuringTheReferencePassEndsTheStageAtOnce() throws Exception {
        SamHome home = TestHomes.fresh(tmp.resolve("stop"));
        TrainHomes.tinyModel(home, tmp);
        writePairs(home, 40, 3);
        dev.sam.core.config.TrainingProfile profile = dev.sam.core.config.TrainingProfile.tiny();
        PreferencePairs pairs;
        try (dev.sam.train.tokenizer.Tokenizer tok = dev.sam.train.tokenizer.Tokenizer.load(home.baseModel("tiny"))) {
            pairs = PreferencePairs.prepare(dev.sam.train.data.TrainingDataLoader.of(home).load().pairs(), tok, 128, 0.1);
        }
        dev.sam.train.runs.StopSignal stop = new dev.sam.train.runs.StopSignal() {
            @Override
            public boolean requested() {
                return true;
            }

            @Override
            public boolean urgent() {
                return false;
            }

            @Override
            public String reason() {
                return "SIGTERM";
            }
        };
        try (var model = dev.sam.train.nativelib.NativeModel.open(home.baseModel("tiny"));
             var adapters = dev.sam.train.nativelib.LoraAdapters.create(model,
                     dev.sam.train.nativelib.LoraSpec.of(profile), 1);
             TrainingLog log = TrainingLog.open(home.trainingLogs(), "stop")) {
            StepReporter rep = new StepReporter(RunListener.NONE, log, new dev.sam.train.runs.MetricsLog(
                    tmp.resolve("stop-metrics.jsonl")), 10, 0);
            PreferenceStage.Outcome o = new PreferenceStage(profile, pairs, rep, stop, 0).run(model, adapters, null);
            assertTrue(o.interrupted(), "interrupted");
            assertEquals(0, o.steps(), "no step was taken");
            assertEquals(null, o.before(), "nothing was measured");
        }
        assertTrue(Files.readString(TrainingLog.fileFor(home.trainingLogs(), "stop")).contains(
                "preference stage stopped while computing the reference log-probabilities"));
    }

    /**
     * {@code n} pairs "Say goodbye. xy pI, tone: warm|cold" (new filler, so held-out pairs have unseen prompts):
     * the made-up farewell "zoka" over "miru" when the tone is warm, the other way round when it is cold.
     * Consistent, and not a preference for either word: a model that has not learned the condition is right
     * on about half of the pairs whichever word it favours. Returns how many were written.
     */
    static int writePairs(SamHome home, int n, long seed) throws IOException {
        Random r = new Random(seed);
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean warm = r.nextBoolean();
            String prompt = "Say goodbye. " + (char) ('a' + r.nextInt(26)) + (char) ('a' + r.nextInt(26)) + " p" + i
                    + ", tone: " + (warm ? "warm" : "cold");
            pairs.add(warm ? pair(prompt, "zoka", "miru") : pair(prompt, "miru", "zoka"));
        }
        write(home, pairs);
        return n;
    }

    private static Map<String, Object> pair(String prompt, String chosen, String rejected) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt);
        m.put("chosen", chosen);
        m.put("rejected", rejected);
        return m;
    }

    private static void write(SamHome home, List<Map<String, Object>> pairs) throws IOException {
        Path f = home.preferencePairs();
        Files.createDirectories(f.getParent());
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> p : pairs) {
            sb.append(Json.write(p)).append('\n');
        }
        Files.writeString(f, sb.toString());
    }
}
