package dev.sam.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEditorTest {
    @TempDir
    Path dir;

    private final Map<String, String> keys = new LinkedHashMap<>(Map.of("base_model", "tiny"));

    @Test
    void createsAMissingFile() throws Exception {
        Path f = dir.resolve("config.yaml");
        assertEquals(List.of("training.base_model"), ConfigEditor.addTrainingKeys(f, keys));
        assertEquals("tiny", ConfigLoader.load(f).training().baseModel());
    }

    @Test
    void insertsBelowAnExistingBlockKeepingCommentsAndNeverOverwritesAKey() throws Exception {
        Path f = dir.resolve("config.yaml");
        String before = "# mine\nrollback:\n    max_error_rate: 0.2\ntraining:   # the runs\n    min_samples: 5\n";
        Files.writeString(f, before);
        keys.put("default_profile", "tiny");
        assertEquals(List.of("training.base_model", "training.default_profile"), ConfigEditor.addTrainingKeys(f, keys));
        assertEquals("# mine\nrollback:\n    max_error_rate: 0.2\ntraining:   # the runs\n    base_model: \"tiny\"\n"
                + "    default_profile: \"tiny\"\n    min_samples: 5\n", Files.readString(f));
        SamConfig c = ConfigLoader.load(f);
        assertEquals(5, c.training().minSamples());
        assertEquals("tiny", c.training().defaultProfile());
        keys.put("base_model", "other");
        assertEquals(List.of(), ConfigEditor.addTrainingKeys(f, keys), "set keys stay");
        assertEquals("tiny", ConfigLoader.load(f).training().baseModel());
    }

    @Test
    void appendsABlockAndLeavesFlowStyleAlone() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, "rollback:\n  max_error_rate: 0.2");
        assertEquals(List.of("training.base_model"), ConfigEditor.addTrainingKeys(f, keys));
        assertEquals("rollback:\n  max_error_rate: 0.2\ntraining:\n  base_model: \"tiny\"\n", Files.readString(f));
        Files.writeString(f, "training: {min_samples: 3}\n");
        assertEquals(List.of(), ConfigEditor.addTrainingKeys(f, keys));
        assertEquals("training: {min_samples: 3}\n", Files.readString(f));
    }
}
