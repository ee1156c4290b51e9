package dev.sam.collect.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a byte range of a JSONL file line by line, decoding each line as strict UTF-8 so that a bad
 * line is reported (with its number) instead of silently turned into replacement characters.
 *
 * <pre>JsonlReader.read(file, 0, Long.MAX_VALUE, (no, text, end) -> ...);</pre>
 */
public final class JsonlReader {
    /** Lines longer than this are reported as too large instead of being held in memory. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    private JsonlReader() {
    }

    /** One line: its 1-based number (counted from {@code from}), its text (null when not UTF-8), its end offset. */
    @FunctionalInterface
    public interface Visitor {
        void line(long number, String text, long endOffset) throws IOException;
    }

    /**
     * Visits the complete lines between byte offsets from and to; a last line without a newline is
     * visited only if {@code to} is the end of the file (it may be a torn write otherwise).
     */
    public static void read(Path file, long from, long to, Visitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long limit = Math.min(to, size);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            long pos = from;
            long number = 0;
            boolean tooLarge = false;
            while (pos < limit) {
                buf.clear().limit((int) Math.min(buf.capacity(), limit - pos));
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                byte[] a = buf.array();
                int segment = 0;
                for (int i = 0; i < n; i++) {
                    if (a[i] != '\n') {
                        continue;
                    }
                    tooLarge |= append(line, a, segment, i - segment);
                    number++;
                    visitor.line(number, tooLarge ? null : decode(line.toByteArray()), pos + i + 1);
                    line.reset();
                    tooLarge = false;
                    segment = i + 1;
                }
                tooLarge |= append(line, a, segment, n - segment);
                pos += n;
            }
            if ((line.size() > 0 || tooLarge) && pos == size) {
                visitor.line(number + 1, tooLarge ? null : decode(line.toByteArray()), pos);
            }
        }
    }

    /** Appends unless the line would exceed the limit; true when it did. */
    private static boolean append(ByteArrayOutputStream line, byte[] a, int off, int len) {
        if (line.size() + len > MAX_LINE_BYTES) {
            return true;
        }
        line.write(a, off, len);
        return false;
    }

    /** Strict UTF-8, or null; a trailing CR (Windows line ends) is dropped. */
    public static String decode(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
