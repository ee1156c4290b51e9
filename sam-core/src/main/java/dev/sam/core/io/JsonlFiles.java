package dev.sam.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Append-only JSONL files that never end in a torn line: a batch of lines is appended in one write
 * and fsynced; {@link #repairTail} cuts a partial last line left by a crash before anything new is
 * appended, so every line of the file stays a whole JSON document.
 */
public final class JsonlFiles {
    private JsonlFiles() {
    }

    /** Appends the lines (each without its newline) and fsyncs. Repairs a torn tail first. */
    public static void append(Path file, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        repairTail(file);
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            if (line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a JSONL line may not contain a newline");
            }
            sb.append(line).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
    }

    /**
     * Truncates the file after its last newline when it does not end with one (the remains of an
     * interrupted write). Returns the number of bytes cut.
     */
    public static long repairTail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return 0;
            }
            long pos = size;
            ByteBuffer one = ByteBuffer.allocate(8192);
            while (pos > 0) {
                int n = (int) Math.min(one.capacity(), pos);
                one.clear().limit(n);
                ch.read(one, pos - n);
                for (int i = n - 1; i >= 0; i--) {
                    if (one.get(i) == '\n') {
                        long keep = pos - n + i + 1;
                        if (keep < size) {
                            ch.truncate(keep);
                            ch.force(true);
                        }
                        return size - keep;
                    }
                }
                pos -= n;
            }
            ch.truncate(0);
            ch.force(true);
            return size;
        }
    }
}
