package dev.sam.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's acceptance through the real CLI: on a repository with release-plugin commits, a squash-merged
 * bot PR, PR-suffixed messages, trailers, a ticket prefix and two answers to one doc question, `sam collect`
 * lets none of them into a target and counts every removal by reason; `sam data report --json` describes
 * the data and `--html` shows the same numbers without touching the network.
 */
class DataQualityCliTest {
    private static final Pattern LEAKS = Pattern.compile("(?i)\\(#\\d+\\)|signed-off-by|co-authored-by|change-id|reviewed-by"
            + "|closes #|abc-\\d+|maven-release-plugin|dependabot|updated-dependencies|bumps \\[");

    @TempDir
    Path tmp;

    private Path repo;
    private Path home;
    private CliRunner sam;

    @BeforeEach
    void setUp() throws Exception {
        repo = MessyRepo.create(tmp.resolve("shop"));
        home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), "collect:\n  ticket_prefix: \"[A-Z]+-\\\\d+\"\n");
        sam = new CliRunner(home);
    }

    @Test
    void noToolCommitRefTrailerOrTicketLeaksIntoATargetAndEveryRemovalIsCounted() throws Exception {
        JsonNode r = collect();
        JsonNode commits = source(r, "commits");
        assertEquals(2, commits.path("rejects").path("release_tool").asInt(), commits.toString());
        assertEquals(1, commits.path("rejects").path("bot_pr").asInt(), commits.toString());
        assertEquals(1, commits.path("rejects").path("bot").asInt(), commits.toString());
        assertEquals(1, source(r, "docs").path("rejects").path("conflict").asInt(), source(r, "docs").toString());

        List<JsonNode> commitSamples = samples("commits");
        List<String> subjects = commitSamples.stream().map(s -> s.get("output").asText().lines().findFirst().orElseThrow())
                .toList();
        List<String> expected = new ArrayList<>(List.of("docs: describe usage and configuration"));
        expected.addAll(List.of(MessyRepo.CLEAN_SUBJECTS));
        assertEquals(expected, subjects, "the human commits, cleaned, oldest first");
        for (JsonNode s : commitSamples) {
            assertFalse(LEAKS.matcher(s.get("output").asText()).find(), s.get("output").asText());
            assertTrue(s.path("meta").path("template").asText().startsWith("commit/"), s.toString());
        }
        JsonNode first = commitSamples.get(1).path("meta");
        assertEquals("(#12)", first.path("removed_refs").get(0).asText());
        assertEquals(2, first.path("removed_trailers").size(), "Signed-off-by and Change-Id kept in meta");
        assertEquals("ABC-41:", commitSamples.get(2).path("meta").path("removed_ticket").get(0).asText());
        assertTrue(commitSamples.get(1).get("instruction").asText().contains("Files changed: src/main/java/shop/Rule0"
                + ".java, src/test/java/shop/Rule0Test.java."), commitSamples.get(1).get("instruction").asText());

        List<JsonNode> docs = samples("docs");
        Set<String> questions = new HashSet<>();
        for (JsonNode d : docs) {
            String q = d.get("instruction").asText();
            assertFalse(q.contains("<") || q.contains("](") || q.contains("{#"), "markup in a question: " + q);
            assertTrue(questions.add(q.toLowerCase(java.util.Locale.ROOT)), "one answer per question: " + q);
        }

        JsonNode again = collect();
        assertEquals(0, again.get("added").asInt(), again.toString());
    }

    @Test
    void dataReportJsonDescribesTheDataAndItsHtmlShowsTheSameNumbersOffline() throws Exception {
        collect();
        CliRunner.Result res = sam.run("data", "report", "--json", "--no-measure", "--seed", "7");
        assertEquals(0, res.exitCode(), res.toString());
        JsonNode r = Json.mapper().readTree(res.stdout());
        JsonNode status = Json.mapper().readTree(sam.run("status", "--json").stdout());
        assertEquals(status.get("training_data").get("total_samples").asLong(), r.get("samples").asLong());
        assertTrue(r.get("tokenizer").asText().startsWith("estimate: 4 characters per token"), r.get("tokenizer").asText());

        Map<String, JsonNode> slices = new TreeMap<>();
        r.get("slices").forEach(s -> slices.put(s.get("source").asText() + "/" + s.get("kind").asText(), s));
        assertTrue(slices.keySet().containsAll(List.of("commits/commit", "code/main", "code/test", "docs/doc")),
                slices.keySet().toString());
        assertEquals(7, slices.get("commits/commit").get("samples").asInt());
        JsonNode lengths = slices.get("commits/commit").get("tokens");
        assertTrue(lengths.get("p10").asLong() <= lengths.get("p50").asLong()
                && lengths.get("p50").asLong() <= lengths.get("p90").asLong()
                && lengths.get("p99").asLong() <= lengths.get("max").asLong() && lengths.get("p10").asLong() > 0, lengths.toString());
        double templateShare = 0;
        for (JsonNode t : slices.get("commits/commit").get("templates")) {
            assertTrue(t.get("template").asText().matches("commit/[0-4]"), t.toString());
            templateShare += t.get("share").asDouble();
        }
        assertEquals(1.0, templateShare, 0.001, "every commit sample has one of the phrasings");

        JsonNode commits = source(r, "commits");
        assertEquals(2, commits.get("rejects").get("release_tool").asInt());
        assertEquals(7, commits.get("examples").size(), "all 7 (fewer than 10)");
        JsonNode docs = source(r, "docs");
        assertEquals(1, docs.get("conflicts").asInt());
        JsonNode code = source(r, "code");
        assertEquals(10, code.get("examples").size(), "10 random samples of " + code.get("samples").asInt());
        assertEquals(ids(code), ids(source(Json.mapper().readTree(sam.run("data", "report", "--json", "--no-measure",
                "--seed", "7").stdout()), "code")), "the same seed shows the same samples");
        assertTrue(r.get("estimate").get("note").asText().contains("not installed"), r.get("estimate").toString());
        assertTrue(r.get("mix").get("configured").isEmpty());
        assertEquals(r.get("samples").asLong(), r.get("mix").get("used").asLong());

        Path page = tmp.resolve("report.html");
        CliRunner.Result h = sam.run("data", "report", "--html", page.toString(), "--no-measure", "--seed", "7");
        assertEquals(0, h.exitCode(), h.toString());
        String html = Files.readString(page);
        assertFalse(html.matches("(?s).*(?:src=|href=|<script|<link|@import|url\\().*"), "self-contained, no network");
        for (JsonNode s : r.get("sources")) {
            String row = row(html, "data-source=\"" + s.get("source").asText() + "\"");
            assertEquals(s.get("samples").asText(), cell(row, "samples"), row);
            assertEquals(s.get("duplicates").asText(), cell(row, "duplicates"), row);
            assertEquals(s.get("conflicts").asText(), cell(row, "conflicts"), row);
            assertEquals(s.get("tokens").get("p50").asText(), cell(row, "p50"), row);
            s.get("rejects").fields().forEachRemaining(e -> assertTrue(row.contains(">" + e.getKey() + " "
                    + e.getValue().asText() + "<"), e + " in " + row));
        }
        for (JsonNode s : r.get("slices")) {
            String row = row(html, "data-slice=\"" + s.get("source").asText() + "/" + s.get("kind").asText() + "\"");
            for (String k : List.of("p10", "p50", "p90", "p99", "max", "total")) {
                assertEquals(s.get("tokens").get(k).asText(), cell(row, k), k + " of " + row);
            }
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * s.get("share").asDouble()),
                    cell(row, "share"), row);
        }
        assertTrue(html.contains("<b data-k=\"samples\">" + r.get("samples").asText() + "</b>"));
    }

    @Test
    void anOldHomeKilledInTheMiddleOfItsMigrationEndsCleanWithNothingLostOrDuplicated() throws Exception {
        collect();
        List<String> clean = samples("commits").stream().map(s -> s.get("output").asText()).toList();
        // as SAM wrote it before: PR suffixes in the targets, a release-plugin sample, no migration recorded
        Path file = home.resolve("training_data").resolve(dev.sam.collect.Source.COMMITS.file());
        List<String> old = new ArrayList<>();
        int n = 0;
        for (JsonNode s : samples("commits")) {
            String out = s.get("output").asText();
            int nl = out.indexOf('\n') < 0 ? out.length() : out.indexOf('\n');
            ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("output", out.substring(0, nl) + " (#" + (900 + n++)
                    + ")" + out.substring(nl));
            old.add(Json.write(s));
        }
        com.fasterxml.jackson.databind.node.ObjectNode release = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.mapper().readTree(old.get(0));
        old.add(Json.write(release.put("output", "[maven-release-plugin] prepare release shop-0.9").put("id", "00ff00ff00ff00ff")));
        Files.writeString(file, String.join("\n", old) + "\n");
        Path manifest = home.resolve("training_data/manifest.json");
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.mapper().readTree(manifest.toFile());
        m.remove("migrations");
        ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("files").get(dev.sam.collect.Source.COMMITS.file()))
                .put("bytes", Files.size(file)).put("records", old.size());
        Files.writeString(manifest, Json.write(m));

        CliRunner killed = new CliRunner(home).env("SAM_FAULT_AT", "collect.migration-after-rename");
        CliRunner.Result k = killed.run("collect", "--repo", repo.toString());
        assertEquals(137, k.exitCode(), "halted like kill -9 after the first file was swapped in: " + k);

        JsonNode again = collect();
        assertEquals(0, again.get("added").asInt(), again.toString());
        assertEquals(clean, samples("commits").stream().map(s -> s.get("output").asText()).toList(),
                "every target re-cleaned, none lost, none twice, the release sample gone");
        JsonNode after = Json.mapper().readTree(manifest.toFile());
        assertTrue(after.get("migrations").has("clean-commit-targets-1"), after.toString());
        assertEquals(3, after.get("sources").get("commits").get("rejects").get("release_tool").asInt(),
                "2 from the first collect + the migrated one, counted once");
        assertEquals(clean.size(), after.get("files").get(dev.sam.collect.Source.COMMITS.file()).get("records").asInt());
        assertEquals(0, collect().get("added").asInt());
    }

    private JsonNode collect() throws Exception {
        CliRunner.Result res = sam.run("collect", "--repo", repo.toString(), "--json");
        assertEquals(0, res.exitCode(), res.toString());
        return Json.mapper().readTree(res.stdout());
    }

    private static JsonNode source(JsonNode report, String name) {
        for (JsonNode s : report.get("sources")) {
            if (s.get("source").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no source " + name + " in " + report);
    }

    private static List<String> ids(JsonNode source) {
        List<String> out = new ArrayList<>();
        source.get("examples").forEach(e -> out.add(e.get("id").asText()));
        return out;
    }

    List<JsonNode> samples(String source) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Path f = home.resolve("training_data").resolve(dev.sam.collect.Source.parse(source).file());
        for (String l : Files.readAllLines(f)) {
            out.add(Json.mapper().readTree(l));
        }
        return out;
    }

    private static String row(String html, String marker) {
        int at = html.indexOf("<tr " + marker);
        assertTrue(at >= 0, "no row " + marker);
        return html.substring(at, html.indexOf("</tr>", at));
    }

    private static String cell(String row, String key) {
        Matcher m = Pattern.compile("data-k=\"" + key + "\">([^<]*)<").matcher(row);
        assertTrue(m.find(), key + " in " + row);
        return m.group(1);
    }
}
