package dev.sam.train.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.JsonlFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SAM_HOME/eval/history.jsonl}: one line per evaluation on a benchmark slice — which run or version,
 * on which slice, the candidate's, base model's and active version's numbers, and the verdict — so that
 * {@code sam eval --history} and report.html show whether the model gets better night after night.
 * Appended whole-line ({@link JsonlFiles}); a damaged line is skipped on reading.
 */
public final class EvalHistory {
    private EvalHistory() {
    }

    /** One evaluation. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(String evaluatedAt, String sliceId, String target, String runId, String version,
                        String baseModel, boolean blessed, String decidedBy, ModelMetrics candidate, ModelMetrics base,
                        String activeVersion, ModelMetrics active) {
        /** "v1.0.3" or "run 20260125_100000". */
        public String label() {
            return version != null ? version : "run " + runId;
        }
    }

    static void append(SamHome home, EvalReport r) {
        Entry e = new Entry(r.evaluatedAt(), r.slice().id(), r.target(), r.runId(), r.version(), r.baseModel(),
                r.blessed(), r.decidedBy(), r.models().get("candidate"), r.models().get("base"), r.activeVersion(),
                r.models().get("active"));
        try {
            Files.createDirectories(home.evalDir());
            JsonlFiles.append(home.evalHistory(), List.of(Json.write(e)));
        } catch (IOException x) {
            throw SamException.failure("cannot append to " + home.evalHistory() + ": " + x.getMessage(),
                    "check free disk space and permissions of SAM_HOME");
        }
    }

    /** Every readable entry, oldest first. */
    public static List<Entry> read(SamHome home) {
        List<String> lines;
        try {
            lines = Files.readAllLines(home.evalHistory());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw SamException.failure("cannot read " + home.evalHistory() + ": " + e.getMessage(), "check its permissions");
        }
        List<Entry> out = new ArrayList<>();
        for (String l : lines) {
            try {
                if (!l.isBlank()) {
                    out.add(Json.mapper().readValue(l, Entry.class));
                }
            } catch (IOException damaged) {
                // a line cut by a crash: skipped
            }
        }
        return out;
    }

    /** Entries measured on the slice {@code sliceId}, oldest first. */
    public static List<Entry> onSlice(SamHome home, String sliceId) {
        return read(home).stream().filter(e -> e.sliceId() != null && e.sliceId().equals(sliceId)).toList();
    }
}
