package dev.sam.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code versions/versions.json} (a JSON list of ModelVersion) and {@code versions/current.txt}
 * (the active version), in the layout the original Python tools read. Writes are atomic; a file
 * that cannot be parsed is reported and never overwritten blindly.
 */
public final class VersionsFile {
    private static final TypeReference<List<ModelVersion>> LIST = new TypeReference<>() { };

    private final Path versionsJson;
    private final Path currentTxt;

    public VersionsFile(SamHome home) {
        this(home.versionsJson(), home.currentTxt());
    }

    public VersionsFile(Path versionsJson, Path currentTxt) {
        this.versionsJson = versionsJson;
        this.currentTxt = currentTxt;
    }

    /** The history, oldest first; empty when the file does not exist yet. */
    public List<ModelVersion> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(versionsJson);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot read " + versionsJson + ": " + e.getMessage(),
                    "check its permissions", e);
        }
        try {
            List<ModelVersion> l = Json.mapper().readValue(bytes, LIST);
            return l == null ? List.of() : List.copyOf(l);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new SamException(ExitCode.FAILURE, "version history " + versionsJson
                    + " is not a valid JSON list of versions (" + why + "); it was left unchanged",
                    "restore it from a backup, or run `sam verify --repair` to rebuild it from sam.db and the version"
                            + " directories", e);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot read " + versionsJson + ": " + e.getMessage(), null, e);
        }
    }

    public void write(List<ModelVersion> versions) {
        try {
            AtomicFiles.writeJson(versionsJson, versions);
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write " + versionsJson + ": " + e.getMessage(),
                    "check free space and permissions of the model volume", e);
        }
    }

    /** The active version named by current.txt, if any. */
    public Optional<String> current() {
        try {
            String s = Files.readString(currentTxt, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot read " + currentTxt + ": " + e.getMessage(), null, e);
        }
    }

    public void writeCurrent(String version) {
        try {
            AtomicFiles.writeString(currentTxt, version + "\n");
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write " + currentTxt + ": " + e.getMessage(),
                    "check free space and permissions of the model volume", e);
        }
    }

    public Path versionsJson() {
        return versionsJson;
    }

    public Path currentTxt() {
        return currentTxt;
    }
}
