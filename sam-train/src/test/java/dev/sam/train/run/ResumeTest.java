package dev.sam.train.run;

import dev.sam.train.runs.MetricsLog;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StepMetrics;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupt and resume (issue 7; docs/formats.md "Checkpoints and resume": it continues bit-compatibly): a run stopped at step 12 of 30
 * is marked failed("interrupted") with a checkpoint at step 12; resumed — even after a crash left it
 * "training" — it ends with adapters bitwise identical to an uninterrupted run, and metrics.jsonl
 * holds every step exactly once.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    /** Stops the run once the listener saw step {@code at}. */
    static final class StopAt implements StopSignal, RunListener {
        private final long at;
        private volatile boolean hit;

        StopAt(long at) {
            this.at = at;
        }

        @Override
        public void start(String task, long total) {
        }

        @Override
        public void update(long done, String detail) {
            hit |= done >= at;
        }

        @Override
        public void finish(String summary) {
        }

        @Override
        public boolean requested() {
            return hit;
        }

        @Override
        public boolean urgent() {
            return false;
        }

        @Override
        public String reason() {
            return "test stop";
        }
    }

    private SamHome home(String name) throws Exception {
        SamHome h = TestHomes.fresh(tmp.resolve(name));
        TrainHomes.tinyModel(h, tmp);
        TrainHomes.config(h, 10, 30, null);
        TrainHomes.helloTask(h, 40, false, 3);
        return h;
    }

    static RunResult run(SamHome h, TrainRequest r, RunListener l, StopSignal s) {
        try (Database db = Database.open(h.database())) {
            return new TrainingRunner(h, ConfigLoader.load(h.configFile()), db).run(r, l, s);
        }
    }

    @Test
    void interruptedAndResumedEqualsUninterrupted() throws Exception {
        SamHome straight = home("a");
        RunResult a = run(straight, TrainRequest.profile(null), RunListener.NONE, StopSignal.NEVER);

        SamHome h = home("b");
        StopAt stop = new StopAt(12);
        SamException e = assertThrows(SamException.class, () -> run(h, TrainRequest.profile(null), stop, stop));
        assertEquals(ExitCode.INTERRUPTED, e.exitCode());
        assertTrue(e.getMessage().contains("at step 12/30") && e.getMessage().contains("checkpoint saved at step 12"),
                e.getMessage());
        assertTrue(e.hint().contains("sam train --resume "), e.hint());
        String id;
        try (Database db = Database.open(h.database())) {
            RunStore store = new RunStore(h, db);
            TrainingRun r = store.list().get(0);
            id = r.runId();
            assertEquals(RunStatus.FAILED, r.status());
            assertEquals("interrupted", r.error());
            assertEquals(12L, ((Number) r.metrics().get("checkpoint_step")).longValue());
            // a kill -9 during the resumed run would leave it "training": resume must cope with that too
            store.transition(r, RunStatus.TRAINING, null);
        }
        assertTrue(Files.isRegularFile(h.runDir(id).resolve("checkpoints/checkpoint-0000012.safetensors")));
        assertTrue(Files.notExists(h.runDir(id).resolve("adapters/adapters.safetensors")), "no final adapters yet");

        SamException mixed = assertThrows(SamException.class, () -> run(h, TrainRequest.builder().epochs(2)
                .resumeRunId(id).build(), RunListener.NONE, StopSignal.NEVER));
        assertEquals(ExitCode.USAGE, mixed.exitCode());

        RunResult b = run(h, TrainRequest.resume(id), RunListener.NONE, StopSignal.NEVER);
        assertEquals(RunStatus.COMPLETED, b.run().status());
        assertEquals(12L, b.resumedFromStep());
        assertArrayEquals(Files.readAllBytes(straight.runDir(a.run().runId()).resolve("adapters/adapters.safetensors")),
                Files.readAllBytes(h.runDir(id).resolve("adapters/adapters.safetensors")), "bit-identical adapters");
        assertEquals(a.run().metrics().get("train_loss"), b.run().metrics().get("train_loss"));
        assertEquals(a.run().metrics().get("val_loss"), b.run().metrics().get("val_loss"));
        List<Long> steps = new MetricsLog(h.runDir(id).resolve("metrics.jsonl")).read().stream()
                .filter(m -> !m.isValidation()).map(StepMetrics::step).toList();
        assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(), steps, "every step once");

        SamException again = assertThrows(SamException.class, () -> run(h, TrainRequest.resume(id), RunListener.NONE,
                StopSignal.NEVER));
        assertTrue(again.getMessage().contains("already completed"), again.getMessage());
    }
}
