package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory that appears whole or not at all: files are written into a hidden sibling
 * ({@code .NAME.partial-XXXX}), fsynced, and the sibling is renamed to the target on {@link #commit()}.
 * Closing without a commit deletes the partial directory; a kill leaves only the hidden sibling.
 *
 * <pre>try (StagedDirectory s = StagedDirectory.create(dst)) { write(s.dir()); s.commit(); }</pre>
 */
public final class StagedDirectory implements AutoCloseable {
    private final Path target;
    private final Path dir;
    private boolean committed;

    private StagedDirectory(Path target, Path dir) {
        this.target = target;
        this.dir = dir;
    }

    /** Refuses a target that exists and is not an empty directory. */
    public static StagedDirectory create(Path target) {
        Path t = target.toAbsolutePath().normalize();
        if (Files.exists(t, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(t)) {
            throw SamException.failure(t + " already exists and is not empty",
                    "choose a new directory, or remove the existing one first");
        }
        try {
            Files.createDirectories(t.getParent());
            Path d = Files.createTempDirectory(t.getParent(), "." + t.getFileName() + ".partial-");
            return new StagedDirectory(t, d);
        } catch (IOException e) {
            throw SamException.failure("cannot create a directory next to " + t + ": " + e.getMessage(),
                    "check that " + t.getParent() + " is writable");
        }
    }

    /** Where to write the files. */
    public Path dir() {
        return dir;
    }

    public Path target() {
        return target;
    }

    /** fsyncs every file and renames the directory into place. */
    public void commit() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                AtomicFiles.fsyncFile(p);
            }
        }
        publish(dir);
        AtomicFiles.fsyncDirectory(dir);
        Faults.point("model.before-rename");
        if (Files.isDirectory(target)) {
            Files.delete(target); // empty, checked in create()
        }
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(target.getParent());
        committed = true;
    }

    /**
     * Temp files and directories are created owner-only; a model directory is ordinary data, so it gets the
     * usual rwxr-xr-x / rw-r--r-- (where POSIX permissions exist).
     */
    private static void publish(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: keep its defaults
        }
    }

    @Override
    public void close() {
        if (!committed) {
            deleteRecursively(dir);
        }
    }

    static boolean isEmptyDirectory(Path p) {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree, best effort (leftover staging directories). */
    public static void deleteRecursively(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort: a leftover hidden .partial directory is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
