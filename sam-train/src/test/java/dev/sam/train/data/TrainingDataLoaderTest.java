package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Manifest;
import dev.sam.core.sample.CommittedData;
import dev.sam.core.store.ManifestFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every accepted format loads; every bad line is skipped, counted and located; nothing fails the load. */
class TrainingDataLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void loadsAllFormatsAndCountsBadLines() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        String[] lines = {
            "{\"id\":\"s1\",\"instruction\":\"Explain\",\"input\":\"x = 1\",\"output\":\"It assigns 1.\",\"quality\":0.8}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}",
            "{\"prompt\":\"2+2?\",\"completion\":\"4\"}",
            "{\"text\":\"plain text sample\"}",
            "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}",
            "{\"instruction\": broken",
            "",
            "[1, 2]",
            "{\"foo\":1}",
            "{\"instruction\":\"Do it\",\"output\":\"  \"}",
            "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]}",
            "{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\"}]}",
            "{\"messages\":\"not a list\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"run\"},{\"role\":\"tool\",\"content\":\"ok\"},"
                    + "{\"role\":\"assistant\",\"content\":\"done\"}]}",
        };
        for (String l : lines) {
            a.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        a.write(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        a.write("{\"text\":\"torn last line".getBytes(StandardCharsets.UTF_8));
        Path commits = home.sourceDir("commits");
        Files.write(commits.resolve("a.jsonl"), a.toByteArray());
        Files.writeString(commits.resolve("notes.txt"), "ignored");
        Files.writeString(commits.resolve(".hidden.jsonl"), "ignored\n");
        Files.writeString(home.sourceDir("knowledge").resolve("k.jsonl"),
                "{\"instruction\":\"Q1\",\"output\":\"A1\"}\n{\"instruction\":\"Q2\",\"output\":\"A2\"}\n");

        LoadedData d = TrainingDataLoader.of(home).load();
        LoadReport r = d.report();
        assertEquals(2, r.files());
        assertEquals(7, r.valid());
        assertEquals(Map.of("commits", 5L, "knowledge", 2L), r.validBySource());
        assertEquals(1, r.preferencePairs());
        assertEquals(9, r.skipped());
        assertEquals(Map.of("invalid JSON", 2L, "not a JSON object", 1L, "unknown format", 1L, "empty output", 1L,
                "unknown role", 1L, "no assistant answer", 1L, "invalid sample", 1L, "invalid UTF-8", 1L),
                r.skippedByReason());
        assertTrue(r.skippedDetails().contains(commits.resolve("a.jsonl") + ":6: invalid JSON (Unexpected character"
                + " ('b' (code 98)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false'))") || r.skippedDetails().stream().anyMatch(s -> s.startsWith(commits.resolve("a.jsonl")
                + ":6: invalid JSON")), r.skippedDetails().toString());
        assertTrue(r.skippedDetails().stream().anyMatch(s -> s.endsWith(":12: the last message is from 'user', not the"
                + " assistant: nothing to learn")), r.skippedDetails().toString());
        assertTrue(r.skippedDetails().stream().anyMatch(s -> s.contains(":15: not valid UTF-8")));
        assertTrue(r.skippedDetails().stream().anyMatch(s -> s.contains(":16: invalid JSON")), "torn tail counted");

        TrainingRecord alpaca = d.records().get(0);
        assertEquals("s1", alpaca.id());
        assertEquals(0.8, alpaca.quality());
        assertEquals(List.of(new ChatMessage("user", "Explain\n\nx = 1"), new ChatMessage("assistant", "It assigns 1.")),
                alpaca.messages());
        assertEquals(commits.resolve("a.jsonl") + ":1", alpaca.location());
        assertEquals(List.of(new ChatMessage("user", "2+2?"), new ChatMessage("assistant", "4")),
                d.records().get(2).messages());
        assertEquals("plain text sample", d.records().get(3).text());
        assertEquals("knowledge", d.records().get(5).source());
    }

    @Test
    void noDataIsAnEmptyResult() {
        LoadedData d = new TrainingDataLoader(tmp.resolve("missing")).load();
        assertEquals(0, d.records().size());
        assertEquals(0, d.report().files());
    }

    @Test
    void readsOnlyWhatCollectCommittedAndNothingOfAFileARunningCollectionMayRollBack() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        String committed = "{\"id\":\"a\",\"instruction\":\"Explain it\",\"input\":\"\",\"output\":\"Yes.\","
                + "\"meta\":{\"repo\":\"app\",\"commit\":\"9a1e\"}}\n";
        String tail = "{\"id\":\"b\",\"instruction\":\"Explain more\",\"input\":\"\",\"output\":\"No.\"}\n";
        Path commits = home.sourceDir("commits").resolve("commit_messages.jsonl");
        Files.writeString(commits, committed + tail);
        Path handWritten = home.sourceDir("knowledge").resolve("mine.jsonl");
        Files.writeString(handWritten, "{\"prompt\":\"2+2?\",\"completion\":\"4\",\"origin\":\"quiz:1\"}\n");
        new ManifestFile(home.manifest()).write(new Manifest(Map.of(), 1, 0, 0, Map.of(), null,
                Map.of("commits/commit_messages.jsonl", new Manifest.DataFile(committed.length(), 1))));

        LoadedData d = TrainingDataLoader.of(home).load();
        assertEquals(List.of("a", "quiz:1"), List.of(d.records().get(0).id(), d.records().get(1).origin()),
                "the uncommitted tail is not read; an unlisted file is read whole when no collection runs");
        assertEquals(2, d.records().size());
        assertEquals("commit:app@9a1e", d.records().get(0).origin(), "derived from the meta of an older line");

        try (ProcessLock collecting = ProcessLock.acquire(home.lockFile(CommittedData.COLLECT_LOCK), "sam collect")) {
            LoadedData during = TrainingDataLoader.of(home).load();
            assertEquals(List.of("a"), during.records().stream().map(TrainingRecord::id).toList());
            assertEquals(Map.of("uncommitted file", 1L), during.report().skippedByReason());
        }
    }
}
