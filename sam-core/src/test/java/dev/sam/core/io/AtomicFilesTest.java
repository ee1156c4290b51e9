package dev.sam.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @AfterEach
    void resetHook() {
        AtomicFiles.beforeRename = () -> { };
    }

    @Test
    void replacesContentWholly() throws Exception {
        Path f = dir.resolve("current.txt");
        AtomicFiles.writeString(f, "v1.0.0\n");
        AtomicFiles.writeString(f, "v1.0.1\n");
        assertEquals("v1.0.1\n", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temp files left behind");
        }
    }

    @Test
    void crashBeforeRenameLeavesTheOldContentVisible() throws Exception {
        Path f = dir.resolve("versions.json");
        AtomicFiles.writeString(f, "[\"old\"]\n");
        AtomicFiles.beforeRename = () -> {
            // What another process sees at the worst moment: the old file, complete.
            try {
                assertEquals("[\"old\"]\n", Files.readString(f));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            throw new IllegalStateException("simulated crash");
        };
        assertThrows(IllegalStateException.class,
                () -> AtomicFiles.writeString(f, "[\"new\", \"much longer content\"]\n"));
        assertEquals("[\"old\"]\n", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "the temp file of the failed write is removed");
        }
    }

    @Test
    void jsonlAppendRepairsATornTail() throws Exception {
        Path f = dir.resolve("data.jsonl");
        JsonlFiles.append(f, List.of("{\"a\":1}", "{\"a\":2}"));
        Files.writeString(f, "{\"a\":3, \"torn", java.nio.file.StandardOpenOption.APPEND);
        JsonlFiles.append(f, List.of("{\"a\":4}"));
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":4}"), Files.readAllLines(f));
        assertEquals(0, JsonlFiles.repairTail(f));
    }

    @Test
    void jsonlRejectsEmbeddedNewlines() {
        assertThrows(IllegalArgumentException.class, () -> JsonlFiles.append(dir.resolve("x.jsonl"), List.of("a\nb")));
        assertTrue(Files.notExists(dir.resolve("x.jsonl")));
    }
}
