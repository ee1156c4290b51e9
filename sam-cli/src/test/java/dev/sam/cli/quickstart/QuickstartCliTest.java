package dev.sam.cli.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.cli.e2e.TestRepo;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sam quickstart` through the real CLI in a child JVM, started inside a git repository made by the test:
 * every step passes with real numbers (two trained runs, v1.0.0 deployed, v1.0.1 canaried, promoted and
 * rolled back, answers from a real server), a second quickstart in the same directory works again and adds
 * runs and versions, and a directory it did not make is refused naming the step and what to do.
 */
class QuickstartCliTest {
    static final List<String> STEPS = List.of("prepare the quickstart home", "make the tiny base model",
            "collect commits and README from git", "import captured sessions (sam distill import)",
            "collect the routing log (sam collect)", "train run 1 (sam train)", "evaluate run 1 (sam eval)",
            "deploy run 1 (sam deploy)", "collect new routing activity", "train run 2 (sam train)",
            "canary run 2 at 20% (sam canary)", "serve and send requests (sam serve)",
            "promote the canary (sam promote)", "roll back (sam rollback)", "stats and verify (sam stats, sam verify)");

    @TempDir
    Path tmp;

    private static JsonNode passed(CliRunner.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = Json.mapper().readTree(r.stdout());
        assertTrue(j.get("success").asBoolean(), r.stdout());
        assertEquals(0, j.get("exit_code").asInt());
        assertTrue(j.get("failed_step").isNull());
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode s : j.get("steps")) {
            names.add(s.get("name").asText());
            assertEquals("passed", s.get("status").asText(), s.toString());
            assertTrue(s.get("seconds").asDouble() >= 0);
        }
        assertEquals(STEPS, names);
        assertFalse(r.stderr().contains("Exception"), r.stderr());
        return j;
    }

    private static JsonNode step(JsonNode report, int index) {
        JsonNode s = report.get("steps").get(index - 1);
        assertEquals(index, s.get("index").asInt());
        return s;
    }

    /** The run's real evaluation, and how it was deployed follows from it. */
    private static void assertRun(JsonNode run, String version) {
        assertEquals(version, run.get("deployed_as").asText(), run.toString());
        assertTrue(run.get("steps").asInt() > 0 && run.get("samples").asInt() > 0, run.toString());
        assertTrue(run.get("val_loss").isNumber() && run.get("base_val_loss").isNumber(), run.toString());
        assertTrue(run.get("val_loss").asDouble() < run.get("base_val_loss").asDouble(),
                "training lowered the held-out loss below the random base model's: " + run);
        assertEquals(!run.get("blessed").asBoolean(), run.get("deploy_forced").asBoolean(),
                "--force exactly when not blessed: " + run);
        assertTrue(Files.isRegularFile(Path.of(run.get("report").asText())), run.toString());
    }

    /** Every request of a phase answered 200 by the named versions, with a version header. */
    private static Set<String> versions(JsonNode report, String phase) {
        Set<String> out = new HashSet<>();
        for (JsonNode a : report.get("answers")) {
            if (a.get("phase").asText().equals(phase)) {
                assertEquals(200, a.get("status").asInt(), a.toString());
                assertTrue(a.get("answer").isTextual(), a.toString());
                out.add(a.get("version").asText());
            }
        }
        return out;
    }

    @Test
    void everyStepPassesAndASecondRunInTheSameDirWorksAgain() throws Exception {
        Path repo = TestRepo.create(tmp.resolve("project"), 12);
        Path samHome = tmp.resolve("never-touched");
        CliRunner sam = new CliRunner(samHome).directory(repo);
        Path dir = tmp.resolve("demo");

        long t0 = System.nanoTime();
        JsonNode first = passed(sam.run("quickstart", "--dir", dir.toString(), "--json"));
        System.out.printf("quickstart run 1: %.1f s (its own total %.1f s)%n", (System.nanoTime() - t0) / 1e9,
                first.get("seconds").asDouble());
        assertEquals(dir.toString(), first.get("dir").asText());
        JsonNode collect = step(first, 3).get("details");
        assertEquals(repo.toString(), collect.get("repository").asText(), "the repository of the current directory");
        assertEquals(12, collect.at("/commits/added").asInt(), collect.toString());
        assertTrue(collect.at("/readme/added").asInt() > 0, collect.toString());
        assertRun(first.get("first_run"), "v1.0.0");
        assertRun(first.get("second_run"), "v1.0.1");
        assertNotEquals(first.at("/first_run/run_id"), first.at("/second_run/run_id"));
        assertEquals(Set.of("v1.0.0", "v1.0.1"), versions(first, "canary split"), "both versions answered");
        assertEquals(Set.of("v1.0.1"), versions(first, "after promote"));
        assertEquals(Set.of("v1.0.0"), versions(first, "after rollback"));
        assertTrue(first.get("answers").size() >= 20, first.get("answers").toString());
        assertTrue(step(first, 15).at("/details/verify/consistent").asBoolean());
        assertEquals("v1.0.0\n", Files.readString(dir.resolve("models/versions/current.txt")), "rolled back");
        assertFalse(Files.exists(samHome), "the quickstart never touches SAM_HOME");
        assertTrue(Files.isRegularFile(dir.resolve(".sam-quickstart")));

        t0 = System.nanoTime();
        JsonNode second = passed(sam.run("quickstart", "--dir", dir.toString(), "--json"));
        System.out.printf("quickstart run 2: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        JsonNode home = step(second, 1).get("details");
        assertTrue(home.get("reused").asBoolean());
        assertTrue(home.get("runs_before").asInt() >= 2, home.toString());
        assertEquals(2, home.get("versions_before").asInt());
        assertTrue(step(second, 2).at("/details/reused").asBoolean(), "the base model is made once");
        assertEquals(0, step(second, 3).at("/details/commits/added").asInt(), "collection is incremental");
        assertRun(second.get("first_run"), "v1.0.2");
        assertRun(second.get("second_run"), "v1.0.3");
        assertEquals(Set.of("v1.0.2"), versions(second, "after rollback"));

        CliRunner inDemo = new CliRunner(dir);
        CliRunner.Result list = inDemo.run("list", "--json");
        assertEquals(0, list.exitCode(), list.toString());
        JsonNode l = Json.mapper().readTree(list.stdout());
        assertEquals("v1.0.2", l.get("active").asText());
        assertEquals(4, l.get("versions").size());
        assertEquals(0, inDemo.run("verify").exitCode());
        CliRunner.Result human = inDemo.run("status");
        assertTrue(human.stdout().contains("active version:  v1.0.2"), human.toString());
    }

    @Test
    void aDirectoryItDidNotMakeOrAFileIsRefusedNamingTheStepAndTheRemedy() throws Exception {
        CliRunner sam = new CliRunner(tmp.resolve("never-touched")).directory(tmp);
        Path other = Files.createDirectories(tmp.resolve("someone-elses"));
        Files.writeString(other.resolve("notes.txt"), "mine\n");

        CliRunner.Result r = sam.run("quickstart", "--dir", other.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("error: quickstart step 'prepare the quickstart home' failed: " + other
                + " is not empty and was not made by `sam quickstart`"), r.stderr());
        assertTrue(r.stderr().contains("hint: pick a new or empty directory with --dir DIR"), r.stderr());
        assertTrue(r.stdout().contains("step 'prepare the quickstart home' FAILED"), r.stdout());
        assertNoStackTrace(r);
        try (Stream<Path> s = Files.list(other)) {
            assertEquals(List.of(other.resolve("notes.txt")), s.toList(), "nothing written into it");
        }

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRunner.Result j = sam.run("quickstart", "--dir", file.toString(), "--json");
        assertEquals(2, j.exitCode(), j.toString());
        JsonNode report = Json.mapper().readTree(j.stdout());
        assertFalse(report.get("success").asBoolean());
        assertEquals(2, report.get("exit_code").asInt());
        assertEquals("prepare the quickstart home", report.get("failed_step").asText());
        assertTrue(report.get("error").asText().contains("is a file, not a directory"), j.stdout());
        assertTrue(report.get("hint").asText().contains("--dir DIR"), j.stdout());
        assertEquals("failed", report.at("/steps/0/status").asText());
        for (int i = 1; i < STEPS.size(); i++) {
            assertEquals("skipped", report.get("steps").get(i).get("status").asText());
        }
        assertNoStackTrace(j);
        assertFalse(Files.exists(tmp.resolve("never-touched")));
    }

    @Test
    void helpExplainsTheStepsWithExamples() throws Exception {
        CliRunner.Result r = new CliRunner(tmp.resolve("h")).run("quickstart", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("Usage: sam quickstart"), r.stdout());
        for (String want : List.of("--dir", "--keep-serving", "Examples:", "sam quickstart --dir")) {
            assertTrue(r.stdout().contains(want), want + " in " + r.stdout());
        }
    }

    private static void assertNoStackTrace(CliRunner.Result r) {
        for (String s : List.of(r.stdout(), r.stderr())) {
            assertFalse(s.contains("\tat ") || s.contains("Exception"), "no stack trace: " + s);
        }
    }
}
