package dev.sam.cli.e2e;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end (1) with real CLI processes only, as a user types it: `sam model init-tiny`, `sam collect`
 * from a real git repository (commits and README), `sam distill import` of captured sessions, `sam train`, `sam eval`, `sam deploy`
 * (a run that is not blessed is refused without --force, and the test says which happened), new commits,
 * incremental `sam collect`, a second `sam train` and `sam deploy`, `sam rollback`, and the state as
 * `sam current`, `sam list`, `sam status`, `sam models` and `sam verify` report it.
 */
class PipelineE2ECliTest {
    @TempDir
    Path tmp;

    private CliRunner sam;

    private JsonNode ok(String... args) throws Exception {
        CliRunner.Result r = sam.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
        assertFalse(r.stderr().contains("\tat "), r.stderr());
        return Json.mapper().readTree(r.stdout());
    }

    /**
     * Trains with `sam train` (enough samples, no force) until deploy's generation check accepts the run
     * ({@link DeployableRuns}), checking every run and its evaluation.
     */
    private JsonNode train(int firstSeed) throws Exception {
        return DeployableRuns.train(sam, firstSeed, t -> {
            assertEquals("completed", t.at("/run/status").asText(), t.toString());
            assertEquals(0, t.at("/run/metrics/dropped").asInt(), "every sample, commits too, was trained on: " + t);
            assertTrue(t.at("/eval/val_loss").isNumber() && t.at("/eval/base_val_loss").isNumber(), t.toString());
            assertTrue(t.at("/eval/reason").isTextual(), t.toString());
        });
    }

    /**
     * `sam deploy --run ID`: a blessed run deploys as it is; a run that is not blessed is refused (exit 1,
     * naming eval.json) and deploys with --force. Either way the real generation check passes.
     */
    private JsonNode deploy(String runId, boolean blessed) throws Exception {
        if (!blessed) {
            CliRunner.Result refused = sam.run("deploy", "--run", runId);
            assertEquals(1, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().contains("eval.json says blessed: false"), refused.stderr());
            assertTrue(refused.stderr().contains("hint:"), refused.stderr());
        }
        JsonNode d = blessed ? ok("deploy", "--run", runId, "--json") : ok("deploy", "--run", runId, "--force", "--json");
        assertEquals("active", d.at("/version/status").asText(), d.toString());
        assertEquals(runId, d.at("/version/training_run_id").asText(), d.toString());
        return d;
    }

    @Test
    void collectTrainEvaluateDeployTwiceAndRollBack() throws Exception {
        Path root = tmp.resolve("home");
        sam = new CliRunner(root);
        JsonNode model = ok("model", "init-tiny", "--json");
        assertEquals("tiny", model.get("registered_as").asText(), model.toString());
        // enough steps for the tiny model to answer briefly; sequences long enough to keep most of a diff
        TrainHomes.config(SamHome.of(root), 100, 500, 1024, 100, null);
        Path repo = TestRepo.create(tmp.resolve("shop"), 70);

        JsonNode c = ok("collect", "--repo", repo.toString(), "--source", "commits,docs", "--json");
        assertEquals(70, sourceAdded(c, "commits"), c.toString());
        assertTrue(sourceAdded(c, "docs") > 0, "the README: " + c);
        JsonNode imported = ok("distill", "import", sessions(tmp.resolve("sessions.jsonl"), 120).toString(), "--json");
        assertEquals(120, imported.get("captured").asInt(), imported.toString());
        JsonNode status = ok("status", "--json");
        long samples = status.at("/training_data/total_samples").asLong();
        assertEquals(c.get("added").asLong() + 120, samples, status.toString());
        assertTrue(status.at("/training_data/ready_to_train").asBoolean(), "enough for `sam train`: " + status);

        JsonNode t1 = train(1);
        String run1 = t1.at("/run/run_id").asText();
        assertEquals(samples, t1.at("/run/samples_count").asLong(), t1.toString());
        JsonNode e1 = ok("eval", run1, "--json");
        assertTrue(e1.get("val_loss").asDouble() < e1.get("base_val_loss").asDouble(),
                "trained adapters beat the random base on held-out commits: " + e1);
        assertTrue(Files.isRegularFile(root.resolve("runs/" + run1 + "/eval.json")));
        System.out.println("run 1: blessed " + e1.get("blessed") + ": " + e1.get("reason").asText());
        JsonNode d1 = deploy(run1, e1.get("blessed").asBoolean());
        assertEquals("v1.0.0", d1.at("/version/version").asText());
        assertFalse(d1.hasNonNull("previous"), d1.toString());

        TestRepo.addCommits(repo, 70, 15);
        JsonNode c2 = ok("collect", "--repo", repo.toString(), "--source", "commits,docs", "--json");
        assertEquals(15, sourceAdded(c2, "commits"), "only the new commits: " + c2);
        JsonNode t2 = train(11);
        String run2 = t2.at("/run/run_id").asText();
        assertFalse(run1.equals(run2));
        assertEquals("v1.0.0", t2.at("/eval/active_version").asText(), "run 2 is compared with the active version");
        System.out.println("run 2: blessed " + t2.at("/eval/blessed") + ": " + t2.at("/eval/reason").asText());
        JsonNode d2 = deploy(run2, t2.at("/eval/blessed").asBoolean());
        assertEquals("v1.0.1", d2.at("/version/version").asText());
        assertEquals("v1.0.0", d2.get("previous").asText());
        assertEquals("v1.0.1", ok("current", "--json").get("version").asText());

        JsonNode rb = ok("rollback", "--reason", "answers got worse", "--json");
        assertEquals("v1.0.1", rb.get("from").asText());
        assertEquals("v1.0.0", rb.get("to").asText());

        JsonNode current = ok("current", "--json");
        assertEquals("v1.0.0", current.get("version").asText());
        assertEquals(run1, current.get("training_run_id").asText());
        assertEquals("v1.0.0\n", Files.readString(root.resolve("models/versions/current.txt")));
        assertEquals(root.resolve("models/versions/v1.0.0/adapters").toRealPath(),
                root.resolve("models/sam-brain-lora/adapters").toRealPath(), "the active symlink points at v1.0.0");
        JsonNode list = ok("list", "--json");
        assertEquals("v1.0.0", list.get("active").asText());
        assertEquals(2, list.get("versions").size());
        assertEquals("v1.0.1", list.at("/versions/0/version").asText());
        assertEquals("rolled_back", list.at("/versions/0/status").asText());
        assertEquals("active", list.at("/versions/1/status").asText());
        JsonNode after = ok("status", "--json");
        assertEquals("v1.0.0", after.get("model_version").asText());
        assertEquals(run2, after.at("/last_training/run_id").asText());
        assertTrue(after.at("/deployment/rollback_available").isBoolean());
        JsonNode models = ok("models", "--json");
        assertTrue(models.get("runs").size() >= 2, models.toString());
        assertTrue(models.toString().contains(run1) && models.toString().contains(run2), models.toString());
        JsonNode verify = ok("verify", "--json");
        assertTrue(verify.get("consistent").asBoolean(), verify.toString());
        assertEquals(2, verify.get("versions_verified").asInt(), verify.toString());
        JsonNode stats = ok("stats", "--json");
        assertEquals(1L, stats.at("/events/rollback").asLong(), stats.toString());
    }

    /**
     * Captured assistant sessions for `sam distill import`: "say hello in LANG" with short answers. With the
     * commits they teach the tiny model to answer briefly and stop, so that deploy's generation check (no
     * repetitive output) can pass: trained on commits alone, a model of this size loops on prompts unlike them.
     */
    static Path sessions(Path file, int n) throws Exception {
        java.util.Random r = new java.util.Random(7);
        List<String> filler = List.of("please", "quickly", "now", "for", "me", "today", "again", "kindly", "thanks");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int lang = r.nextInt(TrainHomes.LANGS.size());
            String prompt = "Say hello in " + TrainHomes.LANGS.get(lang) + ". " + filler.get(r.nextInt(filler.size()))
                    + " " + filler.get(r.nextInt(filler.size())) + " #" + i;
            Map<String, String> capture = new java.util.LinkedHashMap<>(); // Map.of's order changes per JVM
            capture.put("session_id", "hello-" + i);
            capture.put("prompt", prompt);
            capture.put("answer", TrainHomes.ANSWERS.get(lang));
            lines.add(Json.write(capture));
        }
        return Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private static long sourceAdded(JsonNode collect, String source) {
        for (JsonNode s : collect.get("sources")) {
            if (s.get("source").asText().equals(source)) {
                return s.get("added").asLong();
            }
        }
        return 0;
    }
}
