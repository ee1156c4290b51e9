package dev.sam.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The latest line of a run's {@code runs/<id>/metrics.jsonl} (one JSON object per logged step, written
 * by the training run) — read from the end of the file, so a long run costs the same as a short one.
 */
final class RunProgress {
    private static final int TAIL = 64 * 1024;

    private RunProgress() {
    }

    /** The last complete JSON line, or null when the file is absent or has none yet. */
    static JsonNode lastLine(Path metrics) {
        if (!Files.isRegularFile(metrics)) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(metrics.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(TAIL, len);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].trim();
                if (l.startsWith("{") && l.endsWith("}")) {
                    try {
                        return Json.mapper().readTree(l);
                    } catch (IOException e) {
                        // a line cut in the middle of a write: try the one before
                    }
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
