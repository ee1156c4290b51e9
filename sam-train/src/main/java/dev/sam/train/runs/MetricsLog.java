package dev.sam.train.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.JsonlFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runs/<id>/metrics.jsonl}: one {@link StepMetrics} per line, appended whole and fsynced
 * ({@link JsonlFiles}), so a crash never leaves a torn line. On resume the rows after the checkpoint
 * are dropped first, so the file describes the steps the final adapters went through exactly once.
 *
 * <pre>new MetricsLog(runDir.resolve("metrics.jsonl")).append(StepMetrics.train(...));</pre>
 */
public final class MetricsLog {
    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
    }

    public void append(StepMetrics m) {
        try {
            JsonlFiles.append(file, List.of(Json.write(m)));
        } catch (IOException e) {
            throw SamException.io("append to the metrics log", file, e);
        }
    }

    /** Every row (a line that does not parse is skipped: the file is written by SAM only). */
    public List<StepMetrics> read() {
        List<StepMetrics> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    try {
                        out.add(Json.mapper().readValue(line, StepMetrics.class));
                    } catch (JsonProcessingException e) {
                        // a torn tail of a crash: JsonlFiles cuts it on the next append
                    }
                }
            }
        } catch (IOException e) {
            throw SamException.io("read the metrics log", file, e);
        }
        return out;
    }

    /** Keeps only the rows of steps up to {@code step} (atomic rewrite). */
    public void truncateAfter(long step) {
        List<String> keep = read().stream().filter(m -> m.step() <= step).map(Json::write).toList();
        try {
            AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw SamException.io("rewrite the metrics log", file, e);
        }
    }

    public Path file() {
        return file;
    }
}
