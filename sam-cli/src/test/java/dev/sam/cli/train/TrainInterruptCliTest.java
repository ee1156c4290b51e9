package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run at a time and interruption through the real CLI: two `sam train` started together → exactly
 * one runs, the other exits 3 naming the holder's run id; SIGTERM to the running JVM → exit 130, the
 * run failed("interrupted") with a checkpoint; `sam train --resume` completes it with every step
 * recorded once.
 */
class TrainInterruptCliTest {
    private static final Pattern HOLDER = Pattern.compile("training run (\\S+)\\)");

    @TempDir
    Path tmp;

    @Test
    void concurrentTrainSigtermAndResume() throws Exception {
        SamHome home = SamHome.of(tmp.resolve("home")).ensureLayout();
        dev.sam.train.run.TrainHomes.tinyModel(home, tmp);
        dev.sam.train.run.TrainHomes.config(home, 10, 600, null);
        dev.sam.train.run.TrainHomes.helloTask(home, 60, false, 5);
        CliRunner sam = new CliRunner(home.root());

        CliRunner.Running a = sam.start("train");
        CliRunner.Running b = sam.start("train");
        CliRunner.Running loser = null;
        for (int i = 0; i < 600 && loser == null; i++) {
            loser = !a.process().isAlive() ? a : !b.process().isAlive() ? b : null;
            Thread.sleep(50);
        }
        assertTrue(loser != null, "one of the two runs was refused at once");
        CliRunner.Running winner = loser == a ? b : a;
        CliRunner.Result refused = loser.await(10);
        assertEquals(3, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("another training is in progress"), refused.stderr());
        Matcher m = HOLDER.matcher(refused.stderr());
        assertTrue(m.find(), refused.stderr());
        String id = m.group(1);
        Path metrics = home.runDir(id).resolve("metrics.jsonl");
        for (int i = 0; i < 1200 && lines(metrics) < 20; i++) {
            assertTrue(winner.process().isAlive(), "the holder " + id + " trains");
            Thread.sleep(10);
        }
        winner.process().destroy();   // SIGTERM
        CliRunner.Result stopped = winner.await(120);
        assertEquals(130, stopped.exitCode(), stopped.toString());
        assertTrue(stopped.stderr().contains("training run " + id + " interrupted (SIGTERM) at step "), stopped.stderr());
        assertTrue(stopped.stderr().contains("sam train --resume " + id), stopped.stderr());
        try (Stream<Path> runs = Files.list(home.runsDir())) {
            assertEquals(1, runs.count(), "exactly one run was started");
        }
        JsonNode run = Json.mapper().readTree(home.runDir(id).resolve("run.json").toFile());
        assertEquals("failed", run.get("status").asText());
        assertEquals("interrupted", run.get("error").asText());
        long ckpt = run.at("/metrics/checkpoint_step").asLong();
        assertTrue(ckpt >= 20 && ckpt < 600, "checkpoint step " + ckpt);
        assertTrue(Files.isRegularFile(home.runDir(id).resolve(String.format("checkpoints/checkpoint-%07d.safetensors",
                ckpt))));

        CliRunner.Result resumed = sam.run("train", "--resume", id, "--json");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        JsonNode r = Json.mapper().readTree(resumed.stdout());
        assertEquals("completed", r.at("/run/status").asText());
        assertEquals(ckpt, r.get("resumed_from_step").asLong());
        List<Long> steps = Files.readAllLines(metrics).stream().map(l -> read(l)).filter(n -> !n.has("val_loss"))
                .map(n -> n.get("step").asLong()).toList();
        assertEquals(LongStream.rangeClosed(1, 600).boxed().toList(), steps, "every step exactly once");
    }

    private static long lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private static JsonNode read(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
