package dev.sam.cli.train;

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
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the training verbs through the real CLI: one clear error line with a hint and the right
 * exit code, never a stack trace; a sequence longer than --max-seq is cut and counted.
 */
class TrainBadInputCliTest {
    @TempDir
    Path tmp;
    SamHome home;
    CliRunner sam;

    @BeforeEach
    void setUp() throws Exception {
        home = SamHome.of(tmp.resolve("home")).ensureLayout();
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, 2, null);
        sam = new CliRunner(home.root());
    }

    private CliRunner.Result fails(int code, String... args) throws Exception {
        CliRunner.Result r = sam.run(args);
        assertEquals(code, r.exitCode(), r.toString());
        assertFalse(r.stderr().contains("\tat dev.sam") || r.stderr().contains("Exception"), "no stack trace: " + r);
        return r;
    }

    @Test
    void usageAndMissingThings() throws Exception {
        CliRunner.Result typo = fails(2, "force", "--profile", "8bg");
        assertTrue(typo.stderr().contains("unknown training profile '8bg'"), typo.stderr());
        assertTrue(typo.stderr().contains("use one of 8gb, full, tiny"), typo.stderr());

        CliRunner.Result empty = fails(1, "force");
        assertTrue(empty.stderr().contains("error: no training samples in "), empty.stderr());

        TrainHomes.helloTask(home, 12, false, 1);
        CliRunner.Result base = fails(1, "force", "--base", "qwen-absent", "--json");
        JsonNode e = Json.mapper().readTree(base.stdout());
        assertTrue(e.get("error").asText().contains("base model 'qwen-absent' not found"), e.toString());
        assertEquals(1, e.get("exit_code").asInt());

        Files.delete(home.baseModel("tiny").resolve("tokenizer.json"));
        CliRunner.Result tok = fails(1, "force");
        assertTrue(tok.stderr().contains("tokenizer missing: "), tok.stderr());

        CliRunner.Result eval = fails(1, "eval", "20990101_000000");
        assertTrue(eval.stderr().contains("no training run 20990101_000000"), eval.stderr());
        CliRunner.Result gen = fails(1, "generate", "--prompt", "hi", "--run", "20990101_000000");
        assertTrue(gen.stderr().contains("run 20990101_000000 has no trained adapters"), gen.stderr());
        assertEquals(0, Files.list(home.runsDir()).count(), "no run was recorded");
    }

    @Test
    void longSequencesAreCutAndCounted() throws Exception {
        Path f = TrainHomes.helloTask(home, 12, false, 1);
        Files.writeString(f, TrainHomes.chat("Say hello in rust.", "fn main() { " + "println!(\"hi\"); ".repeat(30)
                + "}") + "\n", StandardOpenOption.APPEND);
        CliRunner.Result r = sam.run("force", "--max-seq", "110", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("longer than max_seq_length 110 were truncated"), r.stderr());
        JsonNode j = Json.mapper().readTree(r.stdout());
        assertTrue(j.at("/run/metrics/truncated").asInt() >= 1, j.at("/run/metrics").toString());
        assertEquals(110, j.at("/plan/settings/max_seq_length").asInt());
        assertTrue(j.at("/plan/from_flags").toString().contains("max-seq"), j.at("/plan").toString());
    }
}
