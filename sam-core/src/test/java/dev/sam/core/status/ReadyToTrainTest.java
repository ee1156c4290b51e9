package dev.sam.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22: status said "ready to train: yes" although no base model was registered (train then failed). */
class ReadyToTrainTest {
    @TempDir
    Path tmp;

    @Test
    void readinessNeedsTheBaseModelThatTrainWouldUse() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        SamConfig config = ConfigLoader.parse("training:\n  min_samples: 0\n  base_model: mine\n", home.configFile());
        try (Database db = Database.open(home.database())) {
            PipelineStatus.TrainingData d = new StatusService(home, config, db).status().trainingData();
            assertTrue(d.enoughSamples());
            assertEquals("mine", d.baseModel());
            assertFalse(d.baseModelFound());
            assertFalse(d.readyToTrain(), "no base model registered: not ready");

            Files.createDirectories(home.baseModel("mine"));
            Files.writeString(home.baseModel("mine").resolve("config.json"), "{}");
            d = new StatusService(home, config, db).status().trainingData();
            assertTrue(d.baseModelFound());
            assertTrue(d.readyToTrain());
        }
        // the default profile's base (the 1.5B model) when the config names none
        try (Database db = Database.open(home.database())) {
            SamConfig defaults = ConfigLoader.parse("training:\n  min_samples: 0\n", home.configFile());
            PipelineStatus.TrainingData d = new StatusService(home, defaults, db).status().trainingData();
            assertEquals(defaults.defaultBaseModel(), d.baseModel());
            assertFalse(d.readyToTrain());
        }
    }
}
