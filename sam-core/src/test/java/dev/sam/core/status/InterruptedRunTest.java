package dev.sam.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: a run whose process was killed with SIGKILL showed "training" forever. The train lock tells a
 * live holder from a dead one (the OS drops a killed process's lock); a real child process is killed here.
 */
class InterruptedRunTest {
    @TempDir
    Path tmp;

    /** Takes the lock named by args[0], says so on stdout, and sleeps until killed. */
    public static void main(String[] args) throws Exception {
        ProcessLock lock = ProcessLock.tryAcquire(Path.of(args[0]), "training run test").orElseThrow();
        System.out.println("locked " + lock.file());
        System.out.flush();
        Thread.sleep(120_000);
    }

    @Test
    void aTrainingRunWhoseProcessWasKilledShowsInterrupted() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        Path lockFile = home.lockFile("train");
        try (Database db = Database.open(home.database())) {
            new RunRepository(db).save(TrainingRun.pending("20260125_100000", "2026-01-25T10:00:00", 120, "tiny",
                    "tiny", null).withStatus(RunStatus.TRAINING, null, null));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), InterruptedRunTest.class.getName(), lockFile.toString())
                    .redirectErrorStream(true).start();
            try {
                String line = new String(child.getInputStream().readNBytes(7));
                assertEquals("locked ", line, "the child holds the lock");
                assertTrue(ProcessLock.isHeld(lockFile));
                assertEquals("training", status(home, db).status(), "a live holder: still training");
                child.destroyForcibly(); // SIGKILL: no shutdown hook, nothing recorded
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            } finally {
                child.destroyForcibly();
            }
            assertFalse(ProcessLock.isHeld(lockFile), "the OS released the dead holder's lock");
            PipelineStatus.LastTraining last = status(home, db);
            assertEquals(StatusService.INTERRUPTED, last.status());
            assertTrue(last.error().contains("sam train --resume 20260125_100000"), last.error());
            assertEquals(RunStatus.TRAINING, new RunRepository(db).latest().orElseThrow().status(),
                    "status only reads");
            assertTrue(Files.readString(lockFile).contains("training run test"), "the probe leaves the line alone");
        }
    }

    @Test
    void aLockHeldInThisProcessCountsAsHeld() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        try (ProcessLock l = ProcessLock.tryAcquire(home.lockFile("train"), "x").orElseThrow()) {
            assertTrue(ProcessLock.isHeld(home.lockFile("train")));
        }
        assertFalse(ProcessLock.isHeld(home.lockFile("train")));
        assertFalse(ProcessLock.isHeld(home.lockFile("never")));
    }

    private static PipelineStatus.LastTraining status(SamHome home, Database db) {
        return new StatusService(home, SamConfig.defaults(), db).status().lastTraining();
    }
}
