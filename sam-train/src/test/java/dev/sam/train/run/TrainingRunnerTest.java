package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.TestHomes;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline in process on the tiny model (issue 7): a learnable task is trained, evaluated and
 * blessed with every documented file in place; then, with that run active, a run on random training
 * labels is not blessed because it does not beat the active version on the held-out (true) task.
 */
class TrainingRunnerTest {
    @TempDir
    Path tmp;

    static RunResult train(SamHome home, TrainRequest r) {
        try (Database db = Database.open(home.database())) {
            return new TrainingRunner(home, ConfigLoader.load(home.configFile()), db).run(r, RunListener.NONE,
                    StopSignal.NEVER);
        }
    }

    @Test
    void learnableTaskIsBlessedAndRandomLabelsAreNot() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 300, null);
        TrainHomes.helloTask(home, 120, false, 7);

        RunResult a = train(home, TrainRequest.profile(null));
        String id = a.run().runId();
        Path dir = home.runDir(id);
        assertEquals(RunStatus.COMPLETED, a.run().status());
        EvalReport e = a.eval();
        assertTrue(e.blessed(), e.reason());
        assertTrue(e.valLoss() < e.baseValLoss(), "val loss below the base model's");
        assertEquals(e.valLoss(), (Double) a.run().metrics().get("val_loss"), 1e-9, "eval and training agree");
        for (String key : List.of("train_loss", "val_loss", "perplexity", "steps", "tokens", "tokens_per_s",
                "peak_rss", "train_samples", "val_samples", "truncated", "dropped", "bad_lines", "blessed")) {
            assertNotNull(a.run().metrics().get(key), key + " in " + a.run().metrics());
        }
        try (Database db = Database.open(home.database())) {
            assertEquals(RunStatus.COMPLETED, new RunRepository(db).find(id).orElseThrow().status());
        }

        JsonNode config = Json.mapper().readTree(dir.resolve("config.json").toFile());
        assertEquals(id, config.get("run_id").asText());
        assertEquals(300, config.at("/data/total_steps").asInt());
        assertEquals(0.005, config.at("/settings/learning_rate").asDouble());
        assertEquals("tiny", config.at("/settings/base_model").asText());
        JsonNode run = Json.mapper().readTree(dir.resolve("run.json").toFile());
        assertEquals("completed", run.get("status").asText());

        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        JsonNode first = Json.mapper().readTree(lines.get(0));
        for (String k : List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens", "tokens_per_s", "elapsed_s",
                "rss_bytes")) {
            assertTrue(first.has(k), k + " in " + first);
        }
        long vals = lines.stream().filter(l -> l.contains("\"val_loss\"")).count();
        assertEquals(300 / 20, vals, "val rows every eval_every (20) steps, the last at the end");
        assertEquals(300 + vals, lines.size());

        JsonNode eval = Json.mapper().readTree(dir.resolve("eval.json").toFile());
        for (String k : List.of("blessed", "reason", "val_loss", "perplexity", "base_val_loss", "repetition_rate",
                "checks", "samples", "targets", "held_out")) {
            assertTrue(eval.has(k), k + " in eval.json");
        }
        assertTrue(eval.get("blessed").asBoolean());
        assertEquals(3, eval.get("targets").size());

        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<polyline") && html.contains("Blessed"), "report");
        assertFalse(html.contains("http://") && html.contains("<script"), "self-contained");
        assertTrue(html.indexOf("<h2>Training data</h2>") < html.indexOf("<h2>Loss</h2>")
                && html.contains("<b data-k=\"samples\">120</b>"), "the data summary heads the report");
        JsonNode data = Json.mapper().readTree(dir.resolve(dev.sam.train.datareport.DataReport.RUN_FILE).toFile());
        assertEquals(120, data.get("samples").asInt());
        assertEquals("tiny tokenizer", data.get("tokenizer").asText());

        List<String> log = Files.readAllLines(home.trainingLogs().resolve("training_" + id + ".log"));
        assertTrue(log.stream().anyMatch(l -> l.contains("step 300/300") && l.contains("loss ")
                && l.contains("tok/s") && l.contains("RSS")), "log has the progress lines");
        assertTrue(log.stream().anyMatch(l -> l.contains("val loss")), "and validation lines");
        assertTrue(log.stream().anyMatch(l -> l.contains("blessed: ")), "and the verdict");

        List<Checkpoints.Checkpoint> ckpts = new Checkpoints(dir.resolve("checkpoints")).list();
        assertEquals(List.of(260L, 280L), ckpts.stream().map(Checkpoints.Checkpoint::step).toList(), "last 2 kept");
        assertTrue(Files.isRegularFile(dir.resolve("adapters/0000020_adapters.safetensors")), "mlx-lm snapshots");
        JsonNode ac = Json.mapper().readTree(dir.resolve("adapters/adapter_config.json").toFile());
        assertEquals("lora", ac.get("fine_tune_type").asText());
        assertEquals(300, ac.get("iters").asInt());

        activate(home, id, dir.resolve("adapters"));
        try (Database db = Database.open(home.database())) {
            EvalReport v = new dev.sam.train.eval.Evaluator(home, ConfigLoader.load(home.configFile()), db)
                    .evaluate("v1.0.0", StopSignal.NEVER);
            assertEquals("version", v.target());
            assertEquals(e.valLoss(), v.valLoss(), 1e-9, "the same adapters on the same held-out examples");
            assertTrue(v.notes().contains("v1.0.0 is the active version: compared with the base model only"),
                    v.notes().toString());
            assertTrue(v.blessed(), v.reason());
        }
        TrainHomes.helloTask(home, 120, true, 11);
        RunResult b = train(home, TrainRequest.profile(null));
        EvalReport be = b.eval();
        assertEquals(RunStatus.COMPLETED, b.run().status());
        assertFalse(be.blessed(), "random labels: " + be.reason());
        assertEquals("v1.0.0", be.activeVersion());
        assertEquals(Boolean.FALSE, be.beatsActive(), be.reason());
        assertTrue(be.reason().contains("does not beat active version v1.0.0"), be.reason());
        assertEquals(Boolean.FALSE, b.run().metrics().get("blessed"));
    }

    /** Makes a run's adapters the active version v1.0.0 (what `sam deploy` records, without sam-deploy). */
    static void activate(SamHome home, String runId, Path adapters) throws Exception {
        Path dst = Files.createDirectories(home.versionDir("v1.0.0").resolve("adapters"));
        for (String f : List.of("adapters.safetensors", "adapter_config.json")) {
            Files.copy(adapters.resolve(f), dst.resolve(f));
        }
        VersionsFile vf = new VersionsFile(home);
        vf.write(List.of(new ModelVersion("v1.0.0", "2026-01-01T00:00:00", "2026-01-01T00:00:00",
                VersionStatus.ACTIVE, "tiny", dst.toString(), runId, 120, Map.of(), "x", "test")));
        vf.writeCurrent("v1.0.0");
    }
}
