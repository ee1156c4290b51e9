package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.run.TrainHomes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's acceptance through the real CLI on the tiny model: 99 samples → `sam train` exits 3 saying
 * how many are missing; `sam force` trains (corrupt lines counted and skipped), the run is blessed with
 * every file in place; `sam deploy --run` runs the real generation check; `sam models`, `sam status`,
 * `sam eval`, `sam generate` show it; then a run on random training labels is not blessed because it
 * does not beat the active version.
 */
class TrainCliTest {
    @TempDir
    Path tmp;

    static JsonNode ok(CliRunner.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    void thresholdForceBlessDeployAndRandomLabels() throws Exception {
        SamHome home = SamHome.of(tmp.resolve("home")).ensureLayout();
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 100, 300, null);
        Path data = TrainHomes.helloTask(home, 99, false, 7);
        Files.writeString(data, "{\"messages\": [\n{\"instruction\": \"no output\"}\n", StandardOpenOption.APPEND);
        CliRunner sam = new CliRunner(home.root());

        CliRunner.Result refused = sam.run("train");
        assertEquals(3, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("error: 99 samples, 1 more needed for training (minimum 100)"),
                refused.stderr());
        assertTrue(refused.stderr().contains("`sam force`"), refused.stderr());

        CliRunner.Result forced = sam.run("force", "--json");
        JsonNode f = ok(forced);
        assertTrue(forced.stderr().contains("warning: 2 of 101 lines skipped (empty output 1, invalid JSON 1)"),
                forced.stderr());
        String id = f.at("/run/run_id").asText();
        assertEquals("completed", f.at("/run/status").asText());
        assertEquals(2, f.at("/run/metrics/bad_lines").asInt());
        assertTrue(f.at("/eval/blessed").asBoolean(), f.at("/eval/reason").asText());
        assertTrue(f.at("/eval/val_loss").asDouble() < f.at("/eval/base_val_loss").asDouble());
        Path dir = home.runDir(id);
        for (String file : List.of("config.json", "run.json", "metrics.jsonl", "eval.json", "report.html",
                "adapters/adapters.safetensors", "adapters/adapter_config.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file);
        }
        assertTrue(Files.readString(home.trainingLogs().resolve("training_" + id + ".log")).contains("step 300/300"));
        JsonNode row = Json.mapper().readTree(Files.readAllLines(dir.resolve("metrics.jsonl")).get(0));
        assertTrue(row.has("loss") && row.has("lr") && row.has("grad_norm") && row.has("tokens_per_s"), row.toString());

        CliRunner.Result deployed = sam.run("deploy", "--run", id);
        assertEquals(0, deployed.exitCode(), deployed.toString());
        assertTrue(deployed.stdout().contains("generation check: passed ("), deployed.stdout());
        assertTrue(deployed.stdout().contains("blessing check: passed"), deployed.stdout());

        JsonNode models = ok(sam.run("models", "--json"));
        JsonNode run = models.get("runs").get(0);
        assertEquals(id, run.get("run_id").asText());
        assertTrue(run.get("blessed").asBoolean());
        assertEquals("v1.0.0", run.get("deployed_as").get(0).asText());
        JsonNode status = ok(sam.run("status", "--json"));
        assertEquals(id, status.at("/last_training/run_id").asText());
        assertTrue(status.at("/last_training/metrics/val_loss").isNumber());
        assertEquals("v1.0.0", status.get("model_version").asText());

        JsonNode gen = ok(sam.run("generate", "--prompt", "Say hello in rust. please now", "--version", "active",
                "--max-tokens", "24", "--json"));
        assertEquals("version v1.0.0 on base tiny", gen.get("source").asText());
        assertTrue(gen.at("/completion/completion_tokens").asInt() > 0, gen.toString());
        CliRunner.Result streamed = sam.run("generate", "--prompt", "Say hello in rust. please now", "--run", id,
                "--max-tokens", "24");
        assertEquals(0, streamed.exitCode(), streamed.toString());
        assertEquals(gen.at("/completion/text").asText() + "\n", streamed.stdout(), "same greedy answer, streamed");

        TrainHomes.helloTask(home, 120, true, 11);
        JsonNode b = ok(sam.run("force", "--json"));
        assertFalse(b.at("/eval/blessed").asBoolean(), "random labels must not be blessed");
        assertTrue(b.at("/eval/reason").asText().contains("does not beat active version v1.0.0"),
                b.at("/eval/reason").asText());
        CliRunner.Result refusedDeploy = sam.run("deploy", "--run", b.at("/run/run_id").asText());
        assertEquals(1, refusedDeploy.exitCode(), refusedDeploy.toString());
        assertTrue(refusedDeploy.stderr().contains("eval.json says blessed: false"), refusedDeploy.stderr());
    }
}
