package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "Curriculum ... resumable bit-identically", end to end through TrainingRunner with
 * {@code training.curriculum: loss} and {@code training.weighting: quality}: a run stopped at step 12 and
 * resumed ends with adapters bitwise identical to the uninterrupted run; the base-model losses are cached
 * under SamHome; the run record (metrics), config.json, adapter_config.json and log say which weighting and
 * curriculum ran.
 */
class CurriculumResumeTest {
    @TempDir
    Path tmp;

    private SamHome home(String name) throws Exception {
        SamHome h = TestHomes.fresh(tmp.resolve(name));
        TrainHomes.tinyModel(h, tmp);
        TrainHomes.config(h, 10, 30, null);
        Files.writeString(h.configFile(), Files.readString(h.configFile()).replace("training:\n",
                "training:\n  weighting: quality\n  curriculum: loss\n"));
        Path f = TrainHomes.helloTask(h, 40, false, 3);
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String l : Files.readAllLines(f)) {   // qualities 0.3 .. 1.0
            lines.add(l.substring(0, l.length() - 1) + ",\"quality\":" + (0.3 + 0.1 * (i++ % 8)) + "}");
        }
        Files.writeString(f, String.join("\n", lines) + "\n");
        return h;
    }

    @Test
    void resumedCurriculumRunIsBitIdentical() throws Exception {
        SamHome straight = home("a");
        RunResult a = ResumeTest.run(straight, TrainRequest.profile(null), RunListener.NONE, StopSignal.NEVER);
        Path runA = straight.runDir(a.run().runId());

        SamHome h = home("b");
        ResumeTest.StopAt stop = new ResumeTest.StopAt(12);
        assertThrows(SamException.class, () -> ResumeTest.run(h, TrainRequest.profile(null), stop, stop));
        String id;
        try (Database db = Database.open(h.database())) {
            id = new RunStore(h, db).list().get(0).runId();
        }
        RunResult b = ResumeTest.run(h, TrainRequest.resume(id), RunListener.NONE, StopSignal.NEVER);
        assertEquals(12L, b.resumedFromStep());
        assertEquals("loss", b.run().metrics().get("curriculum"), "the run record says which curriculum ran");
        assertEquals("quality", b.run().metrics().get("weighting"));
        assertArrayEquals(Files.readAllBytes(runA.resolve("adapters/adapters.safetensors")),
                Files.readAllBytes(h.runDir(id).resolve("adapters/adapters.safetensors")), "bit-identical adapters");

        JsonNode plan = Json.mapper().readTree(runA.resolve("config.json").toFile());
        assertEquals("quality", plan.path("weighting").asText());
        assertEquals("loss", plan.path("curriculum").asText());
        JsonNode args = Json.mapper().readTree(runA.resolve("adapters/adapter_config.json").toFile());
        assertEquals("loss", args.path("curriculum").asText(), args.toString());
        Path cache = straight.curriculumScores("tiny", plan.path("data").path("fingerprint").asText());
        JsonNode scores = Json.mapper().readTree(cache.toFile());
        assertEquals(plan.path("data").path("train_examples").asInt(), scores.path("losses").size());
        assertTrue(scores.path("losses").get(0).asDouble() > 0);
        String log;
        try (Stream<Path> s = Files.list(straight.trainingLogs())) {
            log = Files.readString(s.filter(p -> p.toString().contains(a.run().runId())).findFirst().orElseThrow());
        }
        assertTrue(log.contains("weighting quality, curriculum loss") && log.contains("curriculum: loss, easy to hard"),
                log);
        assertFalse(log.contains("curriculum: none"));
    }
}
