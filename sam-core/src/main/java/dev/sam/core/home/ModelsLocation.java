package dev.sam.core.home;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where model versions are stored. The original pipeline kept them on an external drive and fell back
 * to {@code ~/.sam/models} when it was not mounted; {@code warning} says so when that happened.
 */
public record ModelsLocation(Path dir, boolean external, String warning) {

    static ModelsLocation local(Path dir) {
        return new ModelsLocation(dir, false, null);
    }

    static ModelsLocation choose(String primary, Path localDir) {
        if (primary == null || primary.isBlank()) {
            return local(localDir);
        }
        Path p = Path.of(primary).toAbsolutePath().normalize();
        if (Files.isDirectory(p) && Files.isWritable(p)) {
            return new ModelsLocation(p, true, null);
        }
        String why = Files.isDirectory(p) ? "is not writable" : "is not mounted (no such directory)";
        return new ModelsLocation(localDir, false,
                "model volume " + p + " " + why + "; using the local fallback " + localDir);
    }
}
