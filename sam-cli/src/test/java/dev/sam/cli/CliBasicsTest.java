package dev.sam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI in a child JVM: exit codes, --json, error messages for bad input. */
class CliBasicsTest {
    @TempDir
    Path tmp;

    @Test
    void statusOnAFreshHomeReportsEmptyPipelineAsJson() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        CliRunner.Result r = new CliRunner(home).run("status", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode s = Json.mapper().readTree(r.stdout());
        for (String key : List.of("sam_home", "training_data", "last_training", "model_version", "deployed_at",
                "deployment", "models_dir", "warnings")) {
            assertTrue(s.has(key), "status has " + key + ": " + r.stdout());
        }
        JsonNode d = s.get("training_data");
        assertEquals(0, d.get("total_samples").asInt());
        assertEquals(100, d.get("min_for_training").asInt());
        assertFalse(d.get("ready_to_train").asBoolean());
        for (String src : List.of("commits", "code_patterns", "knowledge", "routing", "distillation")) {
            assertEquals(0, d.get("by_source").get(src).asInt());
        }
        assertTrue(s.get("last_training").isNull());
        assertTrue(s.get("model_version").isNull());
        assertEquals(0, s.get("deployment").get("total_versions").asInt());
        assertTrue(Files.isDirectory(home.resolve("training_data/commits")), "layout created");
        assertTrue(Files.isRegularFile(home.resolve("sam.db")));
        assertTrue(r.stderr().isEmpty(), "nothing on stderr: " + r.stderr());
    }

    @Test
    void humanStatusSaysHowManySamplesAreMissing() throws Exception {
        CliRunner.Result r = new CliRunner(Files.createDirectories(tmp.resolve("home"))).run("status");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("100 more needed"), r.stdout());
    }

    @Test
    void unknownOptionIsAUsageErrorWithHelpHint() throws Exception {
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("status", "--bogus");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("Unknown option: '--bogus'"), r.stderr());
        assertTrue(r.stderr().contains("sam status --help"), r.stderr());
        assertFalse(r.stderr().contains("at dev.sam"), "no stack trace");
    }

    @Test
    void typoInVerbSuggestsTheRightOne() throws Exception {
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("statsu");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("status"), r.stderr());
    }

    @Test
    void configWithUnknownKeyFailsNamingTheKey() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "training:\n  min_sample: 10\n");
        CliRunner.Result r = new CliRunner(home).run("status");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("unknown key 'training.min_sample'"), r.stderr());
        assertEquals("training:\n  min_sample: 10\n", Files.readString(home.resolve("config.yaml")));
    }

    @Test
    void corruptDatabaseIsOneClearLineAndIsNotOverwritten() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        byte[] junk = "not a database\n".repeat(500).getBytes();
        Files.write(home.resolve("sam.db"), junk);
        CliRunner.Result r = new CliRunner(home).run("status", "--json");
        assertEquals(1, r.exitCode(), r.toString());
        JsonNode e = Json.mapper().readTree(r.stdout());
        assertFalse(e.get("success").asBoolean());
        assertTrue(e.get("error").asText().contains("sam.db"), r.stdout());
        assertTrue(e.get("hint").asText().contains("move the file aside"), r.stdout());
        assertArrayEquals(junk, Files.readAllBytes(home.resolve("sam.db")));
    }

    @Test
    void samHomeFlagWinsOverTheEnvironment() throws Exception {
        Path flagHome = Files.createDirectories(tmp.resolve("flag-home"));
        CliRunner.Result r = new CliRunner(tmp.resolve("env-home")).run("--sam-home", flagHome.toString(), "status",
                "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(flagHome.toString(), Json.mapper().readTree(r.stdout()).get("sam_home").asText());
        assertFalse(Files.exists(tmp.resolve("env-home")));
    }

    @Test
    void aMissingHomeIsNotCreatedByAReadingCommandAndTheErrorSaysWhatMakesOne() throws Exception {
        Path missing = tmp.resolve("nonexistent");
        CliRunner cli = new CliRunner(tmp.resolve("env-home"));
        for (String verb : List.of("status", "list", "verify")) {
            CliRunner.Result r = cli.run("--sam-home", missing.toString(), verb);
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("SAM home " + missing + " (--sam-home) does not exist"), r.stderr());
            assertTrue(r.stderr().contains("sam model init-tiny"), r.stderr());
            assertFalse(Files.exists(missing), verb + " created the home");
        }
        CliRunner.Result env = cli.run("status", "--json");
        assertEquals(3, env.exitCode(), env.toString());
        assertTrue(env.stdout().contains("($SAM_HOME) does not exist"), env.stdout());
        assertFalse(Files.exists(tmp.resolve("env-home")));
        // the command the hint names does make it
        CliRunner.Result init = cli.run("--sam-home", missing.toString(), "model", "init-tiny", "--vocab-merges", "16");
        assertEquals(0, init.exitCode(), init.toString());
        assertEquals(0, cli.run("--sam-home", missing.toString(), "status").exitCode());
    }

    @Test
    void versionAndHelpExitZero() throws Exception {
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        CliRunner.Result v = cli.run("--version");
        assertEquals(0, v.exitCode(), v.toString());
        assertTrue(v.stdout().startsWith("sam "), v.stdout());
        CliRunner.Result h = cli.run("--help");
        assertEquals(0, h.exitCode());
        assertTrue(h.stdout().contains("Exit codes"), h.stdout());
        CliRunner.Result sub = cli.run("status", "--help");
        assertEquals(0, sub.exitCode(), "every subcommand has --help: " + sub);
        assertTrue(sub.stdout().contains("Usage: sam status"), sub.stdout());
    }
}
