package dev.sam.collect.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.Harness;
import dev.sam.collect.Source;
import dev.sam.collect.distill.DistillService;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import dev.sam.core.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train/valid files: formats, a deterministic split that survives re-collection, DPO files. */
class ExportServiceTest {
    @TempDir
    Path tmp;

    @Test
    void splitIsDeterministicByContentAndFormatsHaveTheirFields() throws Exception {
        Path log = tmp.resolve("routing.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("{\"task\": \"Handle ticket number ").append(i).append(" about the billing page layout\", \"route\": \"")
                    .append(i % 3 == 0 ? "code" : "docs").append("\", \"outcome\": \"success\"}\n");
        }
        Files.writeString(log, sb);
        try (Harness h = new Harness(tmp)) {
            h.collect(new CollectRequest(Set.of(Source.ROUTING), null, null, List.of(log), null, false));
            new DistillService(h.home, h.config, h.db).capture("{\"prompt\": \"Why rebase?\", \"answer\": \"To keep a linear"
                    + " history.\", \"correction\": {\"wrong_answer\": \"It merges faster.\"}}", "test");
            ExportService export = new ExportService(h.home);
            ExportReport mlx = export.export(ExportFormat.MLX, tmp.resolve("mlx"), Set.of(), 10, ProgressListener.NONE);
            assertEquals(201, mlx.train() + mlx.valid());
            assertTrue(mlx.valid() >= 10 && mlx.valid() <= 35, "about 10%: " + mlx.valid());
            JsonNode first = Json.mapper().readTree(Files.readAllLines(tmp.resolve("mlx/train.jsonl")).get(0));
            assertEquals(Set.of("messages"), fields(first), "mlx-lm reads exactly messages");
            assertEquals(1, mlx.dpoTrain() + mlx.dpoValid());
            JsonNode pair = Json.mapper().readTree(Files.readString(tmp.resolve("mlx")
                    .resolve(mlx.dpoTrain() == 1 ? "dpo_train.jsonl" : "dpo_valid.jsonl")).strip());
            assertEquals(Set.of("prompt", "chosen", "rejected"), fields(pair));

            ExportReport alpaca = export.export(ExportFormat.ALPACA, tmp.resolve("alpaca"), Set.of(Source.ROUTING), 10,
                    ProgressListener.NONE);
            assertEquals(200, alpaca.train() + alpaca.valid());
            JsonNode a = Json.mapper().readTree(Files.readAllLines(tmp.resolve("alpaca/valid.jsonl")).get(0));
            assertEquals(Set.of("instruction", "input", "output"), fields(a));
            JsonNode chat = Json.mapper().readTree(Files.readAllLines(
                    export.export(ExportFormat.CHAT, tmp.resolve("chat"), Set.of(), 10, ProgressListener.NONE).files()
                            .stream().map(Path::of).findFirst().orElseThrow()).get(0));
            assertTrue(chat.has("messages") && chat.has("quality") && chat.has("source"), chat.toString());
            // issue 16: the correction's wrong answer is never an assistant turn of an exported sample
            for (String dir : List.of("mlx", "chat")) {
                for (String f : List.of("train.jsonl", "valid.jsonl")) {
                    assertFalse(Files.readString(tmp.resolve(dir).resolve(f)).contains("It merges faster."), dir + "/" + f);
                }
            }

            Set<String> validBefore = new HashSet<>(Files.readAllLines(tmp.resolve("alpaca/valid.jsonl")));
            // more data later: every earlier sample stays on its side of the split
            StringBuilder more = new StringBuilder();
            for (int i = 200; i < 400; i++) {
                more.append("{\"task\": \"Handle ticket number ").append(i).append(" about the billing page layout\","
                        + " \"route\": \"code\", \"outcome\": \"success\"}\n");
            }
            Files.writeString(log, more, java.nio.file.StandardOpenOption.APPEND);
            h.collect(new CollectRequest(Set.of(Source.ROUTING), null, null, List.of(log), null, false));
            export.export(ExportFormat.ALPACA, tmp.resolve("alpaca"), Set.of(Source.ROUTING), 10, ProgressListener.NONE);
            Set<String> validAfter = new HashSet<>(Files.readAllLines(tmp.resolve("alpaca/valid.jsonl")));
            assertTrue(validAfter.containsAll(validBefore), "no sample moved from valid to train");
            assertTrue(Files.exists(tmp.resolve("alpaca/export.json")));
        }
    }

    /** A correction stored by an older SAM as four turns is exported as the question and the corrected answer. */
    @Test
    void anOldFourTurnCorrectionIsExportedWithoutItsWrongAnswer() {
        Sample old = Sample.chat("x", "distillation", 1.0, null, List.of(new ChatMessage("user", "Why rebase?"),
                new ChatMessage("assistant", "It merges faster."), new ChatMessage("user", "That answer is wrong."
                + " Please correct it."), new ChatMessage("assistant", "To keep a linear history.")),
                java.util.Map.of("kind", "correction"));
        for (ExportFormat f : ExportFormat.values()) {
            String line = ExportLines.line(old, f);
            assertFalse(line.contains("It merges faster.") || line.contains("That answer is wrong"), f + ": " + line);
            assertTrue(line.contains("To keep a linear history.") && line.contains("Why rebase?"), line);
        }
        Sample chat = Sample.chat("y", "sessions", 0.8, null, List.of(new ChatMessage("user", "a?"),
                new ChatMessage("assistant", "b"), new ChatMessage("user", "c?"), new ChatMessage("assistant", "d")),
                java.util.Map.of("kind", "answer"));
        assertTrue(ExportLines.line(chat, ExportFormat.MLX).contains("\"b\""), "other multi-turn chats keep their turns");
    }

    @Test
    void nothingToExportIsNotReady() {
        try (Harness h = new Harness(tmp)) {
            SamException e = assertThrows(SamException.class, () -> new ExportService(h.home)
                    .export(ExportFormat.MLX, tmp.resolve("out"), Set.of(), 10, ProgressListener.NONE));
            assertEquals(ExitCode.NOT_READY, e.exitCode());
        }
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
