package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.RunStatus;
import dev.sam.core.store.Database;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's memory plan through a run (profile key {@code memory_budget_gb}): a budget too small for
 * one row still trains — each batch of 4 a row per pass, with dropout — says so on the log with a warning,
 * records the budget in adapter_config.json, and resumes bit-identically (the passes' dropout keys are part of
 * the checkpointed RNG state). A negative budget is a configuration error.
 */
class MemoryPlanRunTest {
    @TempDir
    Path tmp;

    private SamHome home(String name) throws Exception {
        SamHome h = TestHomes.fresh(tmp.resolve(name));
        TrainHomes.tinyModel(h, tmp);
        TrainHomes.config(h, 10, 30, null);
        Files.writeString(h.configFile(), Files.readString(h.configFile()).replace("      seed: 1\n",
                "      seed: 1\n      memory_budget_gb: 0.000001\n      dropout: 0.1\n"));
        TrainHomes.helloTask(h, 40, false, 3);
        return h;
    }

    @Test
    void aRowPerPassTrainsWarnsAndResumesBitIdentically() throws Exception {
        SamHome straight = home("a");
        RunResult a = ResumeTest.run(straight, TrainRequest.profile(null), RunListener.NONE, StopSignal.NEVER);
        assertEquals(RunStatus.COMPLETED, a.run().status());
        Path runDir = straight.runDir(a.run().runId());
        String log;
        try (Stream<Path> s = Files.list(straight.trainingLogs())) {
            log = Files.readString(s.filter(p -> p.toString().contains(a.run().runId())).findFirst().orElseThrow());
        }
        assertTrue(log.contains("memory plan: 1 row per pass, activations kept (no recomputation)")
                && log.contains("each batch of 4 in 4 passes"), log);
        assertTrue(log.contains("warning: even one row per pass needs") && log.contains("memory_budget_gb 0.00"), log);
        assertTrue(Files.readString(runDir.resolve("adapters/adapter_config.json")).contains("\"memory_budget_gb\""));
        assertTrue(((Number) a.run().metrics().get("val_loss")).doubleValue() < 5.0, "it learned: " + a.run().metrics());

        SamHome h = home("b");
        ResumeTest.StopAt stop = new ResumeTest.StopAt(12);
        SamException e = assertThrows(SamException.class, () -> ResumeTest.run(h, TrainRequest.profile(null), stop, stop));
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
        String id;
        try (Database db = Database.open(h.database())) {
            id = new RunStore(h, db).list().get(0).runId();
        }
        RunResult b = ResumeTest.run(h, TrainRequest.resume(id), RunListener.NONE, StopSignal.NEVER);
        assertEquals(12L, b.resumedFromStep());
        assertArrayEquals(Files.readAllBytes(runDir.resolve("adapters/adapters.safetensors")),
                Files.readAllBytes(h.runDir(id).resolve("adapters/adapters.safetensors")), "bit-identical adapters");
    }

    @Test
    void aNegativeBudgetIsAConfigurationProblem() {
        TrainingProfile p = TrainingProfile.tiny().toBuilder().memoryBudgetGb(-1).build();
        assertEquals(java.util.List.of("training.profiles.tiny.memory_budget_gb must be in [0, 4096] GB (0: no budget), got -1.0"),
                p.problems("training.profiles.tiny"));
    }
}
