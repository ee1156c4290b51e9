package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI in a child JVM: init-tiny, models, quantize, add; their errors. */
class ModelCommandsTest {
    @TempDir
    Path tmp;

    private static JsonNode json(CliRunner.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    void initTinyListQuantizeAndAdd() throws Exception {
        Path home = tmp.resolve("home");
        CliRunner sam = new CliRunner(home);

        JsonNode tiny = json(sam.run("model", "init-tiny", "--vocab-merges", "128", "--json"));
        assertEquals("tiny", tiny.get("registered_as").asText());
        assertEquals(home.resolve("models/base/tiny").toString(), tiny.get("path").asText());
        assertEquals(256 + 128 + 3 + 6, tiny.get("tokenizer_vocab").asInt(), "bytes, merges, chat and FIM tokens");
        assertEquals("float32", tiny.get("dtype").asText());
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            assertTrue(Files.isRegularFile(home.resolve("models/base/tiny").resolve(f)), f);
        }

        JsonNode models = json(sam.run("models", "--json"));
        assertEquals(1, models.get("base_models").size());
        JsonNode m = models.get("base_models").get(0);
        assertEquals("tiny", m.get("name").asText());
        assertEquals(0, m.get("problems").size(), m.toString());
        assertTrue(m.get("params").asLong() > 10_000);

        Path q = tmp.resolve("tiny-4bit");
        JsonNode quant = json(sam.run("model", "quantize", "tiny", q.toString(), "--bits", "4", "--group-size", "64",
                "--json"));
        assertEquals("4-bit g64", quant.get("quantization").asText());
        assertFalse(quant.has("registered_as"));
        assertTrue(Files.isRegularFile(q.resolve("tokenizer.json")));

        JsonNode added = json(sam.run("model", "add", q.toString(), "--name", "tiny-4bit", "--json"));
        assertEquals("symlink", added.get("mode").asText());
        assertEquals("4-bit g64", added.get("check").get("quantization").asText());
        assertTrue(Files.isSymbolicLink(home.resolve("models/base/tiny-4bit")));

        CliRunner.Result human = sam.run("models");
        assertEquals(0, human.exitCode(), human.toString());
        assertTrue(human.stdout().contains("tiny-4bit") && human.stdout().contains("4-bit g64"), human.stdout());
        assertTrue(human.stdout().contains("-> " + q), human.stdout());

        CliRunner.Result dup = sam.run("model", "add", q.toString(), "--name", "tiny-4bit");
        assertEquals(1, dup.exitCode(), dup.toString());
        assertTrue(dup.stderr().contains("already registered"), dup.stderr());
        assertFalse(dup.stderr().contains("at dev.sam"), "no stack trace");
    }

    @Test
    void addReportsEveryProblemOfABrokenModel() throws Exception {
        Path home = tmp.resolve("home");
        CliRunner sam = new CliRunner(home);
        Path dir = tmp.resolve("tiny");
        assertEquals(0, sam.run("model", "init-tiny", dir.toString(), "--vocab-merges", "32").exitCode());
        Files.delete(dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"intermediate_size\" : 192", "\"intermediate_size\" : 200"));
        CliRunner.Result r = sam.run("model", "add", dir.toString(), "--json");
        assertEquals(1, r.exitCode(), r.toString());
        String err = Json.mapper().readTree(r.stdout()).get("error").asText();
        assertTrue(err.contains("tokenizer missing"), err);
        assertTrue(err.contains("model.layers.0.mlp.up_proj.weight has shape [192, 64], config.json implies [200, 64]"),
                err);
        assertTrue(err.contains("model.layers.1.mlp.down_proj.weight"), "all layers reported: " + err);
        assertFalse(Files.exists(home.resolve("models/base/tiny")), "nothing registered");

        CliRunner.Result missing = sam.run("model", "add", tmp.resolve("nowhere").toString());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("nowhere does not exist"), missing.stderr());
    }

    @Test
    void aCrashBeforeTheRenameLeavesNoModelBehind() throws Exception {
        Path home = tmp.resolve("home");
        CliRunner crashing = new CliRunner(home).env("SAM_FAULT_AT", "model.before-rename");
        CliRunner.Result r = crashing.run("model", "init-tiny", "--vocab-merges", "16");
        assertEquals(137, r.exitCode(), r.toString());
        assertFalse(Files.exists(home.resolve("models/base/tiny")), "no half-written model");
        CliRunner sam = new CliRunner(home);
        assertTrue(sam.run("models").stdout().contains("none yet"));
        assertEquals(0, sam.run("model", "init-tiny", "--vocab-merges", "16").exitCode(), "a retry succeeds");
    }

    @Test
    void usageErrorsAndHelp() throws Exception {
        CliRunner sam = new CliRunner(tmp.resolve("home"));
        CliRunner.Result bits = sam.run("model", "quantize", "tiny", tmp.resolve("x").toString(), "--bits", "7");
        assertEquals(1, bits.exitCode(), "no model named tiny yet: " + bits);
        assertTrue(bits.stderr().contains("no base model 'tiny'"), bits.stderr());
        CliRunner.Result shape = sam.run("model", "random", tmp.resolve("r").toString(), "--shape", "qwen9");
        assertEquals(2, shape.exitCode(), shape.toString());
        assertTrue(shape.stderr().contains("qwen2.5-coder-1.5b"), "lists the shapes: " + shape.stderr());
        CliRunner.Result bare = sam.run("model");
        assertEquals(2, bare.exitCode());
        assertTrue(bare.stderr().contains("init-tiny") && bare.stderr().contains("quantize"), bare.stderr());
        CliRunner.Result help = sam.run("model", "init-tiny", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("Example: sam model init-tiny"), help.stdout());
        CliRunner.Result empty = sam.run("models");
        assertEquals(0, empty.exitCode());
        assertTrue(empty.stdout().contains("none yet"), empty.stdout());
    }
}
