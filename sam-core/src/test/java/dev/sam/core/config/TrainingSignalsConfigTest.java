package dev.sam.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** training.weighting and training.curriculum: defaults, accepted values, and errors naming the key. */
class TrainingSignalsConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAndValues() {
        SamConfig d = ConfigLoader.parse("", dir.resolve("config.yaml"));
        assertEquals("none", d.training().weighting());
        assertEquals("none", d.training().curriculum());
        SamConfig c = ConfigLoader.parse("training: {weighting: quality, curriculum: loss}\n", dir.resolve("config.yaml"));
        assertEquals("quality", c.training().weighting());
        assertEquals("loss", c.training().curriculum());
        assertEquals("length", ConfigLoader.parse("training: {curriculum: length}\n", dir.resolve("c.yaml"))
                .training().curriculum());
    }

    @Test
    void badValuesAndUnknownKeysAreErrors() {
        SamException w = assertThrows(SamException.class, () -> ConfigLoader.parse("training: {weighting: heavy}\n",
                dir.resolve("config.yaml")));
        assertEquals(ExitCode.USAGE, w.exitCode());
        assertTrue(w.getMessage().contains("training.weighting must be one of [none, quality], got 'heavy'"),
                w.getMessage());
        SamException c = assertThrows(SamException.class, () -> ConfigLoader.parse("training: {curriculum: hard}\n",
                dir.resolve("config.yaml")));
        assertTrue(c.getMessage().contains("training.curriculum must be one of [none, length, loss]"), c.getMessage());
        SamException k = assertThrows(SamException.class, () -> ConfigLoader.parse("training: {curiculum: loss}\n",
                dir.resolve("config.yaml")));
        assertTrue(k.getMessage().contains("unknown key 'training.curiculum'"), k.getMessage());
    }
}
