package dev.sam.collect.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.CollectReport;
import dev.sam.collect.Harness;
import dev.sam.collect.Reasons;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.collect.TestRepo;
import dev.sam.core.model.Sample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commit samples from a real repository built with JGit: what becomes a sample, what is rejected and why. */
class CommitSourceTest {
    @TempDir
    Path tmp;

    private TestRepo repo;
    private RevCommit secretCommit;

    @BeforeEach
    void buildRepository() throws Exception {
        repo = TestRepo.init(tmp.resolve("project"));
        repo.write("src/Foo.java", javaClass("Foo", 12)).commit(
                "Add greeting service with a configurable salutation\n\nThe salutation comes from the config file.");
        repo.write("src/Foo.java", javaClass("Foo", 13)).commit("wip");
        repo.write("package-lock.json", "{\"lockfileVersion\": 3}\n")
                .commit("Bump lodash from 4.17.20 to 4.17.21", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com");
        repo.write("docs/logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 1, 2, 3})
                .commit("Add the project logo to the documentation");
        repo.write("yarn.lock", "lodash@^4.17.21:\n  version \"4.17.21\"\n").commit("Update dependencies to patch the lodash CVE");
        repo.write("node_modules/left-pad/index.js", "module.exports = s => s;\n")
                .write("dist/app.min.js", "var a=1;\n").commit("Vendor left-pad and rebuild the bundle");
        repo.delete("src/Foo.java").write("src/Greeter.java", javaClass("Greeter", 12))
                .commit("Rename Foo to Greeter to say what it does");
        repo.write("data/words.txt", "word\n".repeat(1_100_000)).commit("Import the full word list for the spell checker");
        repo.branch("feature");
        repo.write("src/Greeter.java", javaClass("Greeter", 12) + "// farewell support\n")
                .commit("Add farewell support to the greeter");
        repo.checkout("main");
        repo.write("README.md", "# Project\n\nGreets people politely.\n").commit("Document the greeting service in the README");
        repo.merge("feature");
        repo.write("docs/README.md", java.nio.file.Files.readString(repo.dir().resolve("README.md"))).delete("README.md")
                .commit("Move the README next to the other documentation");
        secretCommit = repo.write("config.py", "AWS_ACCESS_KEY_ID = \"AKIAQWERTYUIOPASDFGH\"\nREGION = \"eu-west-1\"\n")
                .commit("Configure the AWS region for uploads");
    }

    @Test
    void collectsDescriptiveCommitsAndRejectsTheRestByReason() throws Exception {
        try (Harness h = new Harness(tmp)) {
            CollectReport r = h.collect(Source.COMMITS, List.of(repo.dir()));
            SourceReport c = h.report(r, Source.COMMITS);
            assertEquals(Map.of(Reasons.TRIVIAL_MESSAGE, 1L, Reasons.BOT, 1L, Reasons.NO_SOURCE_CHANGES, 3L,
                    Reasons.HUGE_DIFF, 1L, Reasons.MERGE, 1L), c.rejects(), c.toString());
            List<Sample> samples = h.samples(Source.COMMITS);
            assertEquals(List.of("Add greeting service with a configurable salutation\n\nThe salutation comes from the"
                            + " config file.", "Rename Foo to Greeter to say what it does",
                            "Add farewell support to the greeter", "Document the greeting service in the README",
                            "Move the README next to the other documentation", "Configure the AWS region for uploads"),
                    samples.stream().map(Sample::output).collect(Collectors.toList()), "oldest first, merge parents first");
            assertEquals(6, c.added());
            assertEquals(13, c.scanned());
            Sample first = samples.get(0);
            assertTrue(CommitPrompt.PHRASINGS.contains(first.instruction().lines().findFirst().orElseThrow()),
                    first.instruction());
            assertTrue(first.instruction().endsWith("\nFiles changed: src/Foo.java."), first.instruction());
            assertEquals(CommitPrompt.template(first.meta().get("commit").toString()), first.meta().get("template"));
            assertTrue(first.input().startsWith("1 file changed, +"), first.input());
            assertTrue(first.input().contains("A src/Foo.java"), first.input());
            assertTrue(first.input().contains("--- src/Foo.java\n@@ -1,0 +1,"), first.input());
            assertEquals("commits", first.source());
            assertEquals(16, first.id().length());
            assertTrue(first.quality() >= 0.7, "subject + body + small diff: " + first.quality());
            assertEquals("project", first.meta().get("repo"));

            Sample rename = samples.get(1);
            assertTrue(rename.input().contains("R src/Foo.java -> src/Greeter.java"), rename.input());

            assertTrue(samples.get(4).input().contains("R README.md -> docs/README.md  +0 -0"), samples.get(4).input());
            Sample secret = samples.get(5);
            assertEquals(secretCommit.name(), secret.meta().get("commit"));
            assertFalse(h.text(Source.COMMITS).contains("AKIAQWERTYUIOPASDFGH"), "key scrubbed before storing");
            assertTrue(secret.input().contains("<AWS_ACCESS_KEY_ID>"), secret.input());
            assertEquals(1, secret.meta().get("secrets_scrubbed"));

            var m = h.manifest();
            assertEquals(6, m.samples("commits"));
            assertEquals(6, m.totalSamples());
            assertEquals(Map.of(Reasons.TRIVIAL_MESSAGE, 1L, Reasons.BOT, 1L, Reasons.NO_SOURCE_CHANGES, 3L,
                    Reasons.HUGE_DIFF, 1L, Reasons.MERGE, 1L), m.sources().get("commits").rejects());
            String head = repo.git().getRepository().resolve("HEAD").name();
            assertEquals(head, m.cursors().get("commits").values().iterator().next());
        }
    }

    @Test
    void rerunAddsNothingAndANewCommitAddsOne() throws Exception {
        try (Harness h = new Harness(tmp)) {
            h.collect(Source.COMMITS, List.of(repo.dir()));
            String before = h.text(Source.COMMITS);
            CollectReport again = h.collect(Source.COMMITS, List.of(repo.dir()));
            assertEquals(0, again.added());
            assertEquals(0, h.report(again, Source.COMMITS).scanned(), "the cursor skips what was seen");
            assertEquals(before, h.text(Source.COMMITS));

            repo.write("src/Greeter.java", javaClass("Greeter", 20)).commit("Greet in twenty languages instead of twelve");
            CollectReport third = h.collect(Source.COMMITS, List.of(repo.dir()));
            assertEquals(1, third.added());
            assertEquals(7, h.manifest().samples("commits"));
            assertEquals(Map.of(Reasons.TRIVIAL_MESSAGE, 1L, Reasons.BOT, 1L, Reasons.NO_SOURCE_CHANGES, 3L,
                    Reasons.HUGE_DIFF, 1L, Reasons.MERGE, 1L), h.manifest().sources().get("commits").rejects(),
                    "rejects are not counted twice");
        }
    }

    @Test
    void sinceSkipsOlderCommitsWithoutCountingThemAsRejects() throws Exception {
        try (Harness h = new Harness(tmp)) {
            // the builder spaces commits an hour apart from 1_700_000_000 (2023-11-14T22:13:20Z)
            String since = java.time.Instant.ofEpochSecond(1_700_000_000L + 9 * 3600 + 1800).toString()
                    .replace("Z", "+00:00");
            CollectReport r = h.collect(new dev.sam.collect.CollectRequest(java.util.Set.of(Source.COMMITS),
                    List.of(repo.dir()), null, null, since, false));
            SourceReport c = h.report(r, Source.COMMITS);
            assertEquals(List.of("Document the greeting service in the README",
                            "Move the README next to the other documentation", "Configure the AWS region for uploads"),
                    h.samples(Source.COMMITS).stream().map(Sample::output).toList());
            assertEquals(Map.of(Reasons.MERGE, 1L), c.rejects());
        }
    }

    static String javaClass(String name, int methods) {
        StringBuilder sb = new StringBuilder("package demo;\n\n/** Greets people. */\npublic class " + name + " {\n");
        for (int i = 0; i < methods; i++) {
            sb.append("    public String greet").append(i).append("(String who) {\n        return \"Hello \" + who + \" ")
                    .append(i).append("\";\n    }\n\n");
        }
        return sb.append("}\n").toString();
    }
}
