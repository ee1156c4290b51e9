package dev.sam.core.cycle;

import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes {@link CycleState} (temp file, fsync, rename: a kill leaves the old or the new state).
 *
 * <pre>CycleState s = new CycleStateFile(home.cycleState()).read();</pre>
 */
public final class CycleStateFile {
    private final Path file;

    public CycleStateFile(Path file) {
        this.file = file;
    }

    /** The state, or the initial one when no cycle has run. */
    public CycleState read() {
        try {
            return Json.mapper().readValue(Files.readString(file), CycleState.class);
        } catch (NoSuchFileException e) {
            return CycleState.initial();
        } catch (IOException e) {
            throw SamException.failure("cannot read " + file + ": " + e.getMessage(),
                    "move it aside; the next `sam cycle` then treats every sample as new");
        }
    }

    public void write(CycleState s) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeJson(file, s);
        } catch (IOException e) {
            throw SamException.failure("cannot write " + file + ": " + e.getMessage(),
                    "check that SAM_HOME is writable and the disk is not full");
        }
    }
}
