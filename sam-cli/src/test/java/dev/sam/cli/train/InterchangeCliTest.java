package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.fuse.FuseFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI: {@code sam model fuse} → {@code sam model add}; {@code sam export gguf --ollama} and its
 * refusals (existing file, a directory, a file in the way); {@code sam export peft} → {@code sam import peft}
 * → {@code sam deploy} (judged exactly as the original adapters); a DoRA config refused by name with nothing written.
 */
class InterchangeCliTest {
    private static final String RUN = "20260101_120000";

    @TempDir
    Path tmp;

    private static JsonNode json(CliRunner.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.stdout());
    }

    private CliRunner setUp(Path home) throws Exception {
        CliRunner sam = new CliRunner(home);
        json(sam.run("model", "init-tiny", "--vocab-merges", "128", "--json"));
        FuseFixtures.run(SamHome.of(home), RUN, "tiny", home.resolve("models/base/tiny"), -1, 3);
        return sam;
    }

    @Test
    void fuseThenAddAndExportGgufWithAModelfile() throws Exception {
        Path home = tmp.resolve("home");
        CliRunner sam = setUp(home);
        JsonNode fused = json(sam.run("model", "fuse", RUN, "--dtype", "f16", "--json"));
        assertEquals(home.resolve("models/sam-brain-fused").toString(), fused.get("out").asText());
        assertEquals(14, fused.get("fused_weights").size());
        JsonNode added = json(sam.run("model", "add", fused.get("out").asText(), "--name", "tiny-fused", "--json"));
        assertEquals("float16", added.get("check").get("dtype").asText());

        Path gguf = tmp.resolve("gguf/sam.gguf");
        Files.createDirectories(gguf.getParent());
        JsonNode g = json(sam.run("export", "gguf", RUN, "--out", gguf.toString(), "--type", "q8_0", "--ollama",
                "--json"));
        assertEquals("q8_0", g.get("type").asText());
        byte[] head = Files.readAllBytes(gguf);
        assertEquals("GGUF", new String(head, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(3, head[4], "version 3");
        String modelfile = Files.readString(gguf.resolveSibling("Modelfile"));
        assertTrue(modelfile.contains("FROM ./sam.gguf\n") && modelfile.contains("TEMPLATE \"\"\"")
                && modelfile.contains("PARAMETER stop \"<|im_end|>\"") && modelfile.contains("<|im_start|>assistant"),
                modelfile);

        CliRunner.Result again = sam.run("export", "gguf", RUN, "--out", gguf.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("already exists") && again.stderr().contains("--force"), again.stderr());
        CliRunner.Result dir = sam.run("export", "gguf", RUN, "--out", gguf.getParent().toString());
        assertEquals(2, dir.exitCode(), dir.toString());
        assertTrue(dir.stderr().contains("is a directory"), dir.stderr());
        CliRunner.Result under = sam.run("export", "gguf", "tiny", "--out", gguf.resolve("x.gguf").toString());
        assertEquals(2, under.exitCode(), under.toString());
        assertTrue(under.stderr().contains("is a file, not a directory"), under.stderr());
        assertFalse(under.stderr().contains("at dev.sam"), "no stack trace");
        try (Stream<Path> s = Files.list(gguf.getParent())) {
            assertEquals(2, s.count(), "only sam.gguf and Modelfile: no temp files left");
        }
        assertEquals(0, sam.run("export", "gguf", "tiny", "--out", gguf.toString(), "--force").exitCode(),
                "--force replaces; a base model alone exports too");
    }

    @Test
    void peftRoundTripDeploysAndDoraIsRefused() throws Exception {
        Path home = tmp.resolve("home");
        CliRunner sam = setUp(home);
        Path peft = tmp.resolve("peft");
        json(sam.run("export", "peft", RUN, "--out", peft.toString(), "--json"));
        JsonNode imported = json(sam.run("import", "peft", peft.toString(), "--json"));
        Path out = home.resolve("models/imported/peft");
        assertEquals(out.toString(), imported.get("out").asText());
        assertEquals("tiny", imported.get("base_model").asText());
        // deploy's gate runs every check on the imported directory; this random tiny model loops, so the
        // generation check refuses it — exactly as it refuses the run's own adapters (bitwise the same)
        CliRunner.Result plan = sam.run("deploy", out.toString(), "--dry-run");
        for (String want : new String[] {"files check: passed", "config check: passed", "shapes check: passed"}) {
            assertTrue(plan.stdout().contains(want), want + " in\n" + plan);
        }
        Path runAdapters = Files.createDirectories(tmp.resolve("original")); // outside runs/: no blessing check
        for (String f : new String[] {"adapters.safetensors", "adapter_config.json"}) {
            Files.copy(home.resolve("runs").resolve(RUN).resolve("adapters").resolve(f), runAdapters.resolve(f));
        }
        CliRunner.Result viaImport = sam.run("deploy", out.toString(), "--json");
        CliRunner.Result direct = sam.run("deploy", runAdapters.toString(), "--json");
        assertEquals(direct.exitCode(), viaImport.exitCode(), viaImport.toString());
        assertEquals(direct.stdout().replace(runAdapters.toString(), "DIR"), viaImport.stdout().replace(out.toString(),
                "DIR"), "the imported adapters fare exactly as the originals in deploy's validation");

        Path dora = tmp.resolve("dora");
        Files.createDirectories(dora);
        Files.copy(peft.resolve("adapter_model.safetensors"), dora.resolve("adapter_model.safetensors"));
        ObjectNode c = (ObjectNode) Json.mapper().readTree(peft.resolve("adapter_config.json").toFile());
        c.put("use_dora", true);
        Files.writeString(dora.resolve("adapter_config.json"), Json.pretty(c));
        CliRunner.Result r = sam.run("import", "peft", dora.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("DoRA (use_dora: true)"), r.stderr());
        assertFalse(Files.exists(home.resolve("models/imported/dora")), "nothing written");
    }
}
