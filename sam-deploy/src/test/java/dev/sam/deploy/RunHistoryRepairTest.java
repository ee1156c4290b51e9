package dev.sam.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.train.runs.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 22: {@code sam verify --repair} could not rebuild the run history when sam.db was lost. */
class RunHistoryRepairTest extends WithDeployFixture {

    @Test
    void aLostSamDbGetsItsRunsBackFromRunJson() throws Exception {
        RunStore store = new RunStore(f.home, f.db);
        TrainingRun done = store.save(TrainingRun.pending("20260125_100000", "2026-01-25T10:00:00", 120, "tiny",
                "tiny", null).withStatus(RunStatus.TRAINING, null, null)
                .withStatus(RunStatus.COMPLETED, "2026-01-25T10:05:00", null).withMetrics(Map.of("val_loss", 1.25)));
        TrainingRun failed = store.save(TrainingRun.pending("20260126_100000", "2026-01-26T10:00:00", 80, "tiny",
                "tiny", null).withStatus(RunStatus.FAILED, "2026-01-26T10:01:00", "interrupted"));
        f.deploy();
        Files.writeString(Files.createDirectories(f.home.runDir("20260127_junk")).resolve(RunStore.RUN_JSON), "{");
        f.db.close();
        for (String s : List.of("sam.db", "sam.db-wal", "sam.db-shm")) {
            Files.deleteIfExists(f.home.root().resolve(s));
        }
        try (Database fresh = Database.open(f.home.database())) {
            DeployContext ctx = new DeployContext(f.home, fresh, f.ctx.config(), f.ctx.clock(), null);
            VerifyReport check = new StoreVerifier(ctx).verify(false);
            assertFalse(check.consistent());
            assertTrue(check.findings().stream().anyMatch(x -> x.message().startsWith("2 training runs are in")),
                    check.toString());
            assertTrue(check.findings().stream().anyMatch(x -> x.severity().equals("warning")
                    && x.message().contains("20260127_junk")), "an unreadable run.json is named: " + check);

            VerifyReport repaired = new StoreVerifier(ctx).verify(true);
            assertTrue(repaired.findings().stream().anyMatch(x -> "restored 2 runs into sam.db from run.json"
                    .equals(x.action())), repaired.toString());
            RunRepository runs = new RunRepository(fresh);
            assertEquals(done, runs.find("20260125_100000").orElseThrow());
            assertEquals(failed, runs.find("20260126_100000").orElseThrow());
            assertTrue(new StoreVerifier(ctx).verify(false).consistent(), "green after repair");
        }
    }
}
