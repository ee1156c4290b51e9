package dev.sam.core.io;

import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader, or the next process after a crash, sees either the old content or
 * the new one, never a part: write a temp file in the same directory, fsync it, rename it over the
 * target, fsync the directory (POSIX rename is atomic; the directory fsync makes it durable).
 *
 * <pre>AtomicFiles.writeString(home.currentTxt(), "v1.0.3\n");</pre>
 */
public final class AtomicFiles {
    /** Test hook: called after the temp file is durable and before the rename. */
    static volatile Runnable beforeRename = () -> { };

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            beforeRename.run();
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Pretty JSON with a trailing newline. */
    public static void writeJson(Path target, Object value) throws IOException {
        writeString(target, Json.pretty(value) + "\n");
    }

    /** Unchecked variant for callers that turn I/O errors into SamExceptions higher up. */
    public static void writeJsonUnchecked(Path target, Object value) {
        try {
            writeJson(target, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renames source to target atomically, replacing target. Both must be on one file system. */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically from " + source + " to " + target
                    + " (different file systems?)", e);
        }
    }

    /** Makes a rename or a new file in {@code dir} durable. A no-op where directories cannot be opened. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }

    /** fsyncs one regular file (used after copying adapter files before the directory rename). */
    public static void fsyncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
