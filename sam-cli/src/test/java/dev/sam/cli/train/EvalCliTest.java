package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.run.TrainHomes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sam eval` through the real CLI on the tiny model: the benchmark slice is frozen at first use and kept
 * as data grows, task metrics of candidate, base and active version side by side (commit chrF and exact
 * match, code pass rate), the blessing rule's decision, history and report; an unreachable judge and a
 * broken suite file give clear notes while the other metrics go on (a missing interpreter: CodeExecutionTest).
 */
class EvalCliTest {
    @TempDir
    Path tmp;

    /** Commit samples: a small diff → its one-line message. */
    static void commits(SamHome home, int n, long seed) throws IOException {
        Random r = new Random(seed);
        String[] verbs = {"Fix", "Add", "Remove", "Rename"};
        String[] things = {"parser", "cache", "logger", "router", "config"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String verb = verbs[r.nextInt(verbs.length)];
            String thing = things[r.nextInt(things.length)];
            lines.add(TrainHomes.chat("Write a commit message for this diff:\n--- a/" + thing + ".py\n+++ b/" + thing
                    + ".py\n@@ -" + i + " +" + i + " @@\n-old_" + thing + "()\n+" + verb.toLowerCase() + "_" + thing
                    + "()", verb + " " + thing));
        }
        Path f = home.sourceDir("commits").resolve("c.jsonl");
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n");
    }

    /** Few generations per model: the tiny model's answers are not the point here. */
    static final String EVAL = "eval:\n  commit_generations: 4\n  max_new_tokens: 48\n  code:\n    tasks: 2\n";

    static void evalConfig(SamHome home, String section) throws IOException {
        String c = Files.readString(home.configFile());
        int i = c.indexOf("eval:\n");
        Files.writeString(home.configFile(), c.substring(0, i) + section);
    }

    @Test
    void sliceMetricsRulesHistoryAndBadInputs() throws Exception {
        SamHome home = SamHome.of(tmp.resolve("home")).ensureLayout();
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 200, null);
        evalConfig(home, EVAL);
        TrainHomes.helloTask(home, 120, false, 7);
        commits(home, 60, 3);
        CliRunner sam = new CliRunner(home.root());

        JsonNode f = TrainCliTest.ok(sam.run("train", "--json"));
        String id = f.at("/run/run_id").asText();
        JsonNode e = f.get("eval");
        String slice = e.at("/slice/id").asText();
        assertEquals(12, slice.length(), e.toString());
        assertTrue(e.at("/slice/frozen_now").asBoolean());
        assertTrue(e.at("/held_out/source").asText().equals("frozen benchmark slice " + slice));
        assertTrue(Files.isRegularFile(home.benchmarkSlice()));
        JsonNode cand = e.at("/models/candidate");
        assertTrue(cand.get("loss").isNumber() && cand.get("accuracy").isNumber(), cand.toString());
        assertEquals(cand.get("loss").asDouble(), e.get("val_loss").asDouble(), 1e-12);
        assertTrue(e.at("/models/base/loss").asDouble() > cand.get("loss").asDouble(), "the run learned something");
        JsonNode commits = cand.at("/by_source/commits");
        assertTrue(commits.get("generated").asInt() > 0, commits.toString());
        assertTrue(commits.get("chrf").isNumber() && commits.get("exact_match").isNumber(), commits.toString());
        assertTrue(cand.at("/by_source/distillation/accuracy").isNumber(), cand.toString());
        assertEquals(2, cand.get("code_tasks").asInt(), "eval.code.tasks of the test config");
        assertEquals("not configured", e.at("/judge/status").asText());
        assertEquals(8, e.get("rules").size(), "checks, held_out, beats_base, beats_active, preference, task_metrics,"
                + " repetition, judge");
        assertTrue(e.get("decided_by").isTextual());
        assertEquals(1, Files.readAllLines(home.evalHistory()).size());
        String report = Files.readString(home.runDir(id).resolve("report.html"));
        assertTrue(report.contains("Versions on benchmark slice " + slice) && report.contains("held-out loss (log scale)")
                && report.contains("Task metrics side by side") && report.contains("Blessing rule"));

        // the data grows: the slice stays, the history grows
        TrainHomes.helloTask(home, 40, false, 99);
        Files.writeString(home.sourceDir("distillation").resolve("more.jsonl"), Files.readString(home.sourceDir(
                "distillation").resolve("task.jsonl")).replace("Say hello", "Greet"), StandardOpenOption.CREATE);
        JsonNode again = TrainCliTest.ok(sam.run("eval", id, "--json"));
        assertEquals(slice, again.at("/slice/id").asText());
        assertFalse(again.at("/slice/frozen_now").asBoolean());
        assertEquals(cand.get("loss").asDouble(), again.at("/models/candidate/loss").asDouble(), 1e-9,
                "same adapters, same frozen slice: same number");
        JsonNode hist = TrainCliTest.ok(sam.run("eval", "--history", "--json"));
        assertEquals(slice, hist.get("slice_id").asText());
        assertEquals(2, hist.get("entries").size());
        CliRunner.Result human = sam.run("eval", "--history");
        assertTrue(human.stdout().contains("benchmark slice " + slice) && human.stdout().contains("run " + id),
                human.stdout());

        // deployed, the run is the active version: side by side with itself, it does not beat it
        // (a run of the tiny model may loop on deploy's own prompts: then train with the next seed, as the e2e tests do)
        for (int seed = 2; sam.run("deploy", "--run", id, "--force").exitCode() != 0; seed++) {
            assertTrue(seed < 6, "four runs in a row failed deploy's generation check");
            id = TrainCliTest.ok(sam.run("train", "--seed", String.valueOf(seed), "--json")).at("/run/run_id").asText();
        }
        CliRunner.Result table = sam.run("eval", id);
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.stdout().contains("active v1.0.0") && table.stdout().contains("commits: chrF")
                && table.stdout().contains("decided by: beats_active"), table.stdout());
        JsonNode self = Json.mapper().readTree(home.runDir(id).resolve("eval.json").toFile());
        assertEquals("v1.0.0", self.get("active_version").asText());
        assertEquals(self.at("/models/candidate/loss").asDouble(), self.at("/models/active/loss").asDouble(), 1e-12);
        assertEquals(self.at("/models/candidate/code_passed").asInt(), self.at("/models/active/code_passed").asInt());
        assertFalse(self.get("blessed").asBoolean());
        assertEquals("beats_active", self.get("decided_by").asText());

        // an unreachable judge, a broken suite file: rows and notes, the losses are still measured
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path suite = tmp.resolve("suite.jsonl");
        Files.writeString(suite, "{\"id\": \"x\", \"language\": \"python\"\n");
        evalConfig(home, EVAL + "    suite: " + suite + "\n  judge:\n    url: http://127.0.0.1:"
                + port + "/v1\n    model: judge\n");
        CliRunner.Result badHuman = sam.run("eval", id);
        assertEquals(0, badHuman.exitCode(), badHuman.toString());
        assertTrue(badHuman.stdout().contains("judge: judge unavailable (cannot reach the judge"), badHuman.stdout());
        JsonNode bad = Json.mapper().readTree(home.runDir(id).resolve("eval.json").toFile());
        assertEquals("judge unavailable", bad.at("/judge/status").asText());
        assertTrue(bad.at("/judge/detail").asText().startsWith("cannot reach the judge at http://127.0.0.1:" + port),
                bad.at("/judge").toString());
        assertTrue(bad.get("notes").toString().contains("code suite " + suite + " line 1 is not valid JSON"),
                bad.get("notes").toString());
        assertTrue(bad.at("/models/candidate/loss").isNumber());
        assertTrue(bad.at("/models/candidate/code_tasks").isNull());

        // refreshed on request only; bad invocations are usage errors
        JsonNode refreshed = TrainCliTest.ok(sam.run("eval", "--refresh-slice", "--json"));
        assertTrue(refreshed.get("samples").size() > 0);
        assertEquals(refreshed.get("id").asText(), Json.mapper().readTree(home.benchmarkSlice().toFile()).get("id")
                .asText());
        assertEquals(2, sam.run("eval").exitCode());
        assertEquals(2, sam.run("eval", id, "--history").exitCode());
        Files.writeString(home.benchmarkSlice(), "{broken");
        CliRunner.Result damaged = sam.run("eval", id);
        assertEquals(1, damaged.exitCode());
        assertTrue(damaged.stderr().contains("the benchmark slice " + home.benchmarkSlice() + " is damaged")
                && damaged.stderr().contains("--refresh-slice"), damaged.stderr());
    }
}
