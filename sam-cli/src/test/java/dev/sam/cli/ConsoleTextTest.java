package dev.sam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22: under cron's C locale (no UTF-8) progress lines and messages printed '?'. */
class ConsoleTextTest {
    @TempDir
    Path tmp;

    @Test
    void asciiCharsetGetsStandInsNotQuestionMarks() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintWriter w = ConsoleText.writer(b, StandardCharsets.US_ASCII);
        w.print("step 5/10 \u00b7 loss 1.2 \u2014 ETA 3s\u2026 v1 \u2192 v2 caf\u00e9 \u2603");
        w.flush();
        assertEquals("step 5/10 * loss 1.2 - ETA 3s... v1 -> v2 cafe \\u2603", b.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void utf8PassesThroughAndJsonStaysExact() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintWriter w = ConsoleText.writer(b, StandardCharsets.UTF_8);
        w.print("a \u2014 b");
        w.flush();
        assertEquals("a \u2014 b", b.toString(StandardCharsets.UTF_8));
        String json = Json.pretty(Map.of("msg", "caf\u00e9 \u2014 \u2603"));
        String ascii = ConsoleText.jsonFor(json, StandardCharsets.US_ASCII);
        assertTrue(ascii.chars().allMatch(c -> c < 128), ascii);
        assertEquals("caf\u00e9 \u2014 \u2603", Json.mapper().readTree(ascii).get("msg").asText());
        assertEquals(json, ConsoleText.jsonFor(json, StandardCharsets.UTF_8));
    }

    @Test
    void theRealCliUnderTheCLocalePrintsNoQuestionMarks() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        CliRunner c = new CliRunner(home).env("LANG", "C").env("LC_ALL", "C");
        CliRunner.Result r = c.run("status");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains(" - not registered"), r.stdout());
        assertFalse(r.stdout().contains("?"), r.stdout());
        CliRunner.Result j = c.run("status", "--json");
        JsonNode s = Json.mapper().readTree(j.stdout());
        assertFalse(s.get("training_data").get("ready_to_train").asBoolean());
    }
}
