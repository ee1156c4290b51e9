package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlxDataExportTest {
    @TempDir
    Path tmp;

    static TrainingRecord chat(String q, String a) {
        return new TrainingRecord(null, "s", Path.of("f"), 1, List.of(new ChatMessage("user", q),
                new ChatMessage("assistant", a)), null, null);
    }

    static TrainingRecord text(String t) {
        return new TrainingRecord(null, "s", Path.of("f"), 1, null, t, null);
    }

    @Test
    void writesMessagesRecordsAndLeavesMixedTextOut() throws Exception {
        MlxDataExport.Result r = MlxDataExport.write(tmp, List.of(chat("q1", "a1\nline"), text("t")),
                List.of(chat("q2", "a2")), List.of());
        assertEquals(1, r.train());
        assertEquals(1, r.valid());
        assertEquals(1, r.skippedText());
        List<String> lines = Files.readAllLines(tmp.resolve("train.jsonl"));
        assertEquals(1, lines.size());
        JsonNode n = Json.mapper().readTree(lines.get(0));
        assertEquals("user", n.get("messages").get(0).get("role").asText());
        assertEquals("a1\nline", n.get("messages").get(1).get("content").asText());
        assertFalse(Files.exists(tmp.resolve("test.jsonl")));
    }

    @Test
    void onlyTextRecordsAreWrittenAsText() throws Exception {
        Path d = tmp.resolve("t");
        MlxDataExport.Result r = MlxDataExport.write(d, List.of(text("a")), List.of(text("b")), List.of(text("c")));
        assertEquals(0, r.skippedText());
        assertEquals("{\"text\":\"c\"}\n", Files.readString(d.resolve("test.jsonl")));
    }
}
