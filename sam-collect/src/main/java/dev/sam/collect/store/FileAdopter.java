package dev.sam.collect.store;

import dev.sam.core.model.Manifest.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Counts the records of a JSONL file SAM did not write, and makes sure it ends with a newline. */
final class FileAdopter {
    private static final int SHOWN = 5;

    private FileAdopter() {
    }

    /** known plus the valid records between byte {@code from} and the end of the file. */
    static DataFile count(Path f, String rel, long from, DataFile known, List<String> warnings) throws IOException {
        long[] records = {0};
        List<Long> bad = new ArrayList<>();
        long[] badCount = {0};
        long[] end = {from};
        JsonlReader.read(f, from, Long.MAX_VALUE, (no, text, endOffset) -> {
            end[0] = endOffset;
            if (text == null) {
                note(bad, badCount, no);
            } else if (text.isBlank()) {
                return;
            } else if (Records.text(rel, text) != null) {
                records[0]++;
            } else {
                note(bad, badCount, no);
            }
        });
        if (badCount[0] > 0) {
            warnings.add("training_data/" + rel + ": " + badCount[0] + " line(s) are not valid "
                    + (Records.isPairFile(rel) ? "preference pairs" : "samples") + " and are not counted"
                    + (from > 0 ? " (line numbers counted from byte " + from + ")" : "") + ": line " + bad
                    + (badCount[0] > SHOWN ? " …" : ""));
        }
        return new DataFile(Math.max(end[0], from), known.records() + records[0]);
    }

    private static void note(List<Long> bad, long[] count, long line) {
        count[0]++;
        if (bad.size() < SHOWN) {
            bad.add(line);
        }
    }

    /**
     * A file SAM appends to must end with a newline: a complete last record without one (common in files
     * written by other tools) gets its newline; a torn fragment (a crash mid-write) is cut off.
     */
    static void fixTail(Path f, String rel, List<String> warnings) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, size - 1);
            if (one.get(0) == '\n') {
                return;
            }
            long start = lastNewline(ch, size) + 1;
            if (size - start > JsonlReader.MAX_LINE_BYTES) {
                ch.truncate(start);
                ch.force(true);
                warnings.add("training_data/" + rel + ": cut an unterminated last line of " + (size - start) + " bytes");
                return;
            }
            ByteBuffer tail = ByteBuffer.allocate((int) (size - start));
            ch.read(tail, start);
            String text = JsonlReader.decode(tail.array());
            if (text != null && Records.text(rel, text) != null) {
                ch.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)), size);
                ch.force(true);
            } else {
                ch.truncate(start);
                ch.force(true);
                warnings.add("training_data/" + rel + ": cut a torn last line of " + (size - start)
                        + " bytes (an interrupted write)");
            }
        }
    }

    private static long lastNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = size;
        while (pos > 0) {
            int n = (int) Math.min(buf.capacity(), pos);
            buf.clear().limit(n);
            ch.read(buf, pos - n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return pos - n + i;
                }
            }
            pos -= n;
        }
        return -1;
    }
}
