package dev.sam.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and atomically writes {@code training_data/manifest.json}. */
public final class ManifestFile {
    private final Path file;

    public ManifestFile(Path file) {
        this.file = file;
    }

    /** The manifest, or an empty one when nothing has been collected yet. */
    public Manifest read() {
        try {
            Manifest m = Json.mapper().readValue(Files.readAllBytes(file), Manifest.class);
            return m == null ? Manifest.empty() : m;
        } catch (NoSuchFileException e) {
            return Manifest.empty();
        } catch (JsonProcessingException e) {
            throw new SamException(ExitCode.FAILURE, "manifest " + file + " is not valid JSON ("
                    + e.getOriginalMessage() + "); it was left unchanged",
                    "run `sam collect` to rebuild it from the JSONL files", e);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    public void write(Manifest m) {
        try {
            AtomicFiles.writeJson(file, m);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(),
                    "check free space and permissions of SAM_HOME", e);
        }
    }
}
