package dev.sam.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.RunStatus;
import dev.sam.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void learnableTaskIsBlessed() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        TrainHomes.tinyModel(home, tmp);
        TrainHomes.config(home, 10, Integer.getInteger("steps", 300), null);
        TrainHomes.helloTask(home, 120, false, 7);
        try (Database db = Database.open(home.database())) {
            RunResult r = new TrainingRunner(home, ConfigLoader.load(home.configFile()), db)
                    .run(TrainRequest.profile(null), RunListener.NONE, StopSignal.NEVER);
            System.out.println(r.run().metrics());
            System.out.println(r.eval().reason()); r.eval().samples().forEach(x -> System.out.println(x.output()));
            assertEquals(RunStatus.COMPLETED, r.run().status());
            assertTrue(Files.exists(home.runDir(r.run().runId()).resolve("report.html")));
        }
    }
}
