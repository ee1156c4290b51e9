package dev.sam.train.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a split as mlx-lm's data directory ({@code train.jsonl}, {@code valid.jsonl}, optionally
 * {@code test.jsonl}), one {@code {"messages": [{"role", "content"}, ...]}} per line, so that
 * {@code mlx_lm.lora --data DIR --mask-prompt} trains on exactly the same conversations. mlx-lm picks one
 * format per file from its first record, so when chat and text records are mixed the text records are
 * left out (and counted); a split of only text records is written as {@code {"text": ...}} lines.
 *
 * <pre>MlxDataExport.Result r = MlxDataExport.write(dir, split.train(), split.valid(), List.of());</pre>
 */
public final class MlxDataExport {
    private MlxDataExport() {
    }

    /** Lines written per file and text records left out. */
    public record Result(Path dir, int train, int valid, int test, int skippedText) {
    }

    /** Writes the files atomically; {@code test} may be empty (then no test.jsonl is written). */
    public static Result write(Path dir, List<TrainingRecord> train, List<TrainingRecord> valid,
                               List<TrainingRecord> test) throws IOException {
        boolean anyChat = java.util.stream.Stream.of(train, valid, test).flatMap(List::stream)
                .anyMatch(r -> !r.isText());
        int[] skipped = {0};
        int t = file(dir.resolve("train.jsonl"), train, anyChat, skipped);
        int v = file(dir.resolve("valid.jsonl"), valid, anyChat, skipped);
        int s = test.isEmpty() ? 0 : file(dir.resolve("test.jsonl"), test, anyChat, skipped);
        return new Result(dir, t, v, s, skipped[0]);
    }

    private static int file(Path path, List<TrainingRecord> records, boolean chat, int[] skipped) throws IOException {
        List<String> lines = new ArrayList<>();
        for (TrainingRecord r : records) {
            ObjectNode o = Json.mapper().createObjectNode();
            if (r.isText()) {
                if (chat) {
                    skipped[0]++;
                    continue;
                }
                o.put("text", r.text());
            } else {
                ArrayNode msgs = o.putArray("messages");
                for (ChatMessage m : r.messages()) {
                    msgs.addObject().put("role", m.role()).put("content", m.content());
                }
            }
            lines.add(Json.write(o));
        }
        AtomicFiles.writeString(path, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
        return lines.size();
    }
}
