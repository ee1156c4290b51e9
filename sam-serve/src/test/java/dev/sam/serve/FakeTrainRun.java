package dev.sam.serve;

import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Test stand-in for the {@code sam} command that POST /api/train starts in a child process, to test
 * the launcher's handling of a run that is going on or that refuses at once — without training a
 * model. Arguments: MODE --sam-home DIR --json train|force. Modes: {@code hold} takes the train lock
 * as "run 20990101_000001", records the run, logs a metrics line and waits (≤ 30 s) for {@code SAM_HOME/stop-fake};
 * {@code refuse} prints sam's JSON error for "below the threshold" and exits 3.
 */
public final class FakeTrainRun {
    static final String RUN_ID = "20990101_000001";

    private FakeTrainRun() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[2]);
        if (args[0].equals("refuse")) {
            System.out.println("{\"success\":false,\"error\":\"only 5 samples, 100 needed to train\","
                    + "\"hint\":\"collect more or use sam force\",\"exit_code\":3}");
            System.exit(3);
        }
        Optional<ProcessLock> lock = ProcessLock.tryAcquire(home.resolve("locks/train.lock"), "run " + RUN_ID
                + " (sam " + args[4] + ")");
        if (lock.isEmpty()) {
            System.exit(3);
        }
        // the metrics first: the launcher returns once the run row exists, and the test reads the progress at once
        Path run = Files.createDirectories(home.resolve("runs").resolve(RUN_ID));
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":2.5}\n{\"step\":3,\"loss\":1.5}\n{\"st");
        try (Database db = Database.open(home.resolve("sam.db"))) { // recorded once its checks passed, as sam train does
            new RunRepository(db).save(TrainingRun.pending(RUN_ID, "2099-01-01T00:00:01", 5, "tiny", "8gb", null));
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(home.resolve("stop-fake")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("{\"success\":true}");
    }
}
