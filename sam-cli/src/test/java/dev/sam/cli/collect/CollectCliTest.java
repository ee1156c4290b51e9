package dev.sam.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real `sam collect`, `sam distill` and `sam data export` in a child JVM. */
class CollectCliTest {
    @TempDir
    Path tmp;

    private Path home;
    private Path repo;
    private CliRunner sam;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        sam = new CliRunner(home);
        repo = tmp.resolve("app");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            for (int i = 0; i < 40; i++) {
                Path f = repo.resolve("src/Module" + i + ".java");
                Files.createDirectories(f.getParent());
                Files.writeString(f, "/** Module " + i + " of the app: returns its number for the registry. */\n"
                        + "public class Module" + i + " {\n    /**\n     * The number of this module.\n     *\n"
                        + "     * @return " + i + "\n     */\n    public int number() {\n        int n = " + i + ";\n"
                        + "        return n;\n    }\n}\n");
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("Dev", "dev@example.com", Instant.ofEpochSecond(1_700_000_000L + i * 60),
                        ZoneOffset.UTC);
                git.commit().setMessage("Add module " + i + " that reports its own number").setAuthor(who)
                        .setCommitter(who).setSign(false).call();
            }
        }
    }

    @Test
    void collectReportsJsonAndStatusSeesTheSamplesAndARerunAddsNothing() throws Exception {
        CliRunner.Result r = sam.run("collect", "--repo", repo.toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = Json.mapper().readTree(r.stdout());
        long added = j.get("added").asLong();
        assertTrue(added >= 40, r.stdout());
        assertEquals("commits", j.get("sources").get(0).get("source").asText());
        assertEquals(40, j.get("sources").get(0).get("added").asInt());
        assertFalse(r.stderr().contains("Exception"), r.stderr());

        JsonNode status = Json.mapper().readTree(sam.run("status", "--json").stdout());
        assertEquals(added, status.get("training_data").get("total_samples").asLong());
        assertEquals(40, status.get("training_data").get("by_source").get("commits").asInt());
        assertTrue(status.get("training_data").get("last_collect").isTextual());

        CliRunner.Result again = sam.run("collect", "--repo", repo.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("added 0 sample(s)"), again.stdout());
        assertTrue(again.stdout().contains("commits"), "a summary table: " + again.stdout());
    }

    @Test
    void badInputGivesAClearMessageAndTheDocumentedExitCode() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        CliRunner.Result r = sam.run("collect", "--repo", plain.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("error: --repo " + plain + " is not a git repository"), r.stderr());
        assertTrue(r.stderr().contains("hint: "), r.stderr());
        assertFalse(r.stderr().contains("\tat "), "no stack trace");

        assertEquals(2, sam.run("collect", "--source", "comits").exitCode());
        CliRunner.Result json = sam.run("collect", "--source", "routing", "--json");
        assertEquals(2, json.exitCode());
        assertTrue(Json.mapper().readTree(json.stdout()).get("error").asText().contains("no routing logs"));
    }

    @Test
    void aKillDuringCollectionLeavesWholeLinesAndTheNextRunCompletes() throws Exception {
        CliRunner.Result killed = new CliRunner(home).env("SAM_FAULT_AT", "collect.after-append")
                .run("collect", "--repo", repo.toString(), "--source", "commits");
        assertEquals(137, killed.exitCode(), killed.toString());
        Path file = home.resolve("training_data/commits/commit_messages.jsonl");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), "no torn line");
        for (String line : text.split("\n")) {
            Json.mapper().readTree(line);
        }
        assertTrue(Files.exists(home.resolve("training_data/.collect-journal.json")), "the uncommitted batch is known");

        CliRunner.Result next = sam.run("collect", "--repo", repo.toString(), "--source", "commits", "--json");
        assertEquals(0, next.exitCode(), next.toString());
        assertTrue(next.stderr().contains("rolled back an interrupted collection"), next.stderr());
        List<String> lines = Files.readAllLines(file);
        assertEquals(40, lines.size());
        assertEquals(40, lines.stream().distinct().count());
        JsonNode manifest = Json.mapper().readTree(home.resolve("training_data/manifest.json").toFile());
        assertEquals(40, manifest.get("total_samples").asInt());
        assertEquals(Files.size(file), manifest.get("files").get("commits/commit_messages.jsonl").get("bytes").asLong());
    }

    @Test
    void distillCaptureImportStatsAndExport() throws Exception {
        CliRunner.Result c = sam.runWithInput("{\"prompt\": \"How do I list files in Go?\", \"answer\": \"Use os.ReadDir.\","
                + " \"correction\": {\"wrong_answer\": \"Use ioutil.ListFiles.\"}}", "distill", "capture");
        assertEquals(0, c.exitCode(), c.toString());
        assertTrue(c.stdout().contains("1 captured"), c.stdout());

        Path sessions = tmp.resolve("sessions.jsonl");
        Files.writeString(sessions, "{\"prompt\": \"Explain defer in Go\", \"answer\": \"defer runs a call when the "
                + "function returns, last in first out.\"}\n{not json}\n{\"prompt\": \"only a prompt\"}\n");
        CliRunner.Result imp = sam.run("distill", "import", sessions.toString());
        assertEquals(0, imp.exitCode(), imp.toString());
        assertTrue(imp.stderr().contains("line 2: invalid JSON"), imp.stderr());
        assertTrue(imp.stderr().contains("line 3: missing \"answer\""), imp.stderr());

        JsonNode stats = Json.mapper().readTree(sam.run("distill", "stats", "--json").stdout());
        assertEquals(2, stats.get("captures").asInt());
        assertEquals(2, stats.get("samples").asInt());
        assertEquals(1, stats.get("preference_pairs").asInt());

        assertEquals(0, sam.run("collect", "--repo", repo.toString()).exitCode());
        Path out = tmp.resolve("export");
        CliRunner.Result e = sam.run("data", "export", "--format", "mlx", "--out", out.toString(), "--json");
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode er = Json.mapper().readTree(e.stdout());
        long n = Files.readAllLines(out.resolve("train.jsonl")).size() + Files.readAllLines(out.resolve("valid.jsonl")).size();
        assertEquals(er.get("train").asLong() + er.get("valid").asLong(), n);
        assertTrue(er.get("valid").asLong() > 0);
        assertEquals(2, sam.run("data", "export", "--format", "parquet", "--out", out.toString()).exitCode());
    }

    @Test
    void helpExplainsWithAnExample() throws Exception {
        CliRunner.Result h = sam.run("collect", "--help");
        assertEquals(0, h.exitCode());
        assertTrue(h.stdout().contains("Examples:") && h.stdout().contains("--dry-run"), h.stdout());
        assertEquals(2, sam.run("distill").exitCode(), "a group without a subcommand is a usage error");
    }
}
