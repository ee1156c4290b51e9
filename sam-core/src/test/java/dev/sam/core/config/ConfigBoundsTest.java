package dev.sam.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22: a repeated key silently replaced the first block; a 16 MB line made every command take 97 s. */
class ConfigBoundsTest {
    @TempDir
    Path dir;

    @Test
    void aSecondTrainingBlockIsRefusedNamingTheKey() {
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse("""
                training:
                  min_samples: 5
                rollback:
                  max_error_rate: 0.2
                training:
                  default_profile: full
                """, Path.of("config.yaml")));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("sets key 'training' twice"), e.getMessage());
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
    }

    @Test
    void aRepeatedNestedKeyIsRefusedToo() {
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.parse(
                "training:\n  min_samples: 5\n  min_samples: 50\n", Path.of("config.yaml")));
        assertTrue(e.getMessage().contains("'min_samples' twice"), e.getMessage());
    }

    @Test
    void aHugeLineIsRefusedBeforeTheYamlScannerSeesIt() throws Exception {
        Path f = dir.resolve("config.yaml");
        String line = "training:\n  base_model: " + "x".repeat(ConfigLoader.MAX_LINE_CHARS) + "\n";
        Files.writeString(f, line);
        SamException e = assertThrows(SamException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().contains("line 2 has " + (ConfigLoader.MAX_LINE_CHARS + 14) + " characters"),
                e.getMessage());
        // the 16 MB file of the report: refused by its size, without reading it into the parser
        Files.writeString(f, "training:\n  base_model: " + "x".repeat(16 << 20) + "\n");
        SamException big = assertThrows(SamException.class, () -> ConfigLoader.load(f));
        assertTrue(big.getMessage().contains("a config file is at most"), big.getMessage());
        assertEquals(ExitCode.USAGE, big.exitCode());
    }

    @Test
    void aLongButReasonableLineStillParses() {
        String models = "training:\n  base_model: " + "m".repeat(2000) + "\n";
        assertEquals("m".repeat(2000), ConfigLoader.parse(models, Path.of("config.yaml")).training().baseModel());
    }
}
