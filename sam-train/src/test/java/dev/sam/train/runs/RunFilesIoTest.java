package dev.sam.train.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.train.run.TrainingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's files that cannot be written are a failure with a hint (exit 1), not an internal error (exit 4). */
class RunFilesIoTest {
    @TempDir
    Path tmp;

    @Test
    void unwritableRunFilesAreFailuresNamingTheDirectory() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("runs"), "a file where a directory should be");
        SamException metrics = assertThrows(SamException.class,
                () -> new MetricsLog(notADir.resolve("metrics.jsonl")).append(new StepMetrics(1, 1.0, 1.0, null, null,
                        null, null, null, null, null, null, null)));
        assertEquals(ExitCode.FAILURE, metrics.exitCode());
        assertTrue(metrics.getMessage().startsWith("cannot append to the metrics log " + notADir), metrics.getMessage());
        assertEquals("check free space and permissions of " + notADir, metrics.hint());
        SamException log = assertThrows(SamException.class, () -> TrainingLog.open(notADir.resolve("logs"), "r1"));
        assertEquals(ExitCode.FAILURE, log.exitCode());
    }

    @Test
    void aFullDiskSaysSo() {
        SamException e = SamException.io("write the checkpoint", tmp.resolve("c.safetensors"),
                new IOException("No space left on device"));
        assertEquals("the disk holding " + tmp.toAbsolutePath() + " is full: free some space, then run again", e.hint());
    }
}
