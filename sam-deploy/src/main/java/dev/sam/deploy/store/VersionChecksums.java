package dev.sam.deploy.store;

import dev.sam.core.store.Checksums;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code versions/<v>/checksums.json}, next to {@code adapters/}: the per-file SHA-256 of the
 * adapters and the directory checksum made of them ({@link Checksums}), so that verification can name
 * the file that changed. Its presence also marks a directory as made by SAM.
 *
 * @param files relative path under adapters/ → lower-case hex SHA-256
 */
public record VersionChecksums(String format, String algorithm, String checksum, Map<String, String> files) {
    public static final String FILE = "checksums.json";
    public static final String FORMAT = "sam-version-checksums/1";

    public VersionChecksums {
        files = files == null ? Map.of() : new TreeMap<>(files);
    }

    public static VersionChecksums of(Checksums.Dir d) {
        return new VersionChecksums(FORMAT, "sha256", d.checksum(), d.files());
    }

    /** Reads {@code versionDir/checksums.json}; the IOException says why it cannot be used. */
    public static VersionChecksums read(Path versionDir) throws IOException {
        Path f = versionDir.resolve(FILE);
        VersionChecksums c;
        try {
            c = Json.mapper().readValue(Files.readAllBytes(f), VersionChecksums.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(f + " is missing");
        } catch (IOException e) {
            throw new IOException(f + " is not valid JSON");
        }
        if (c == null || c.checksum() == null || c.files().isEmpty()) {
            throw new IOException(f + " lacks checksum or files");
        }
        return c;
    }

    public void write(Path versionDir) throws IOException {
        AtomicFiles.writeJson(versionDir.resolve(FILE), this);
    }
}
