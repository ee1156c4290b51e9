package dev.sam.collect.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The record of a batch being appended: for each file its length before and after the append. It is
 * written before the first byte is appended and removed once the manifest records the new lengths,
 * so after a crash the next run knows exactly which bytes belong to a batch that never committed.
 */
final class Journal {
    /** Length of one file before and after the batch. */
    record Span(long before, long after) {
    }

    private static final TypeReference<Map<String, Span>> TYPE = new TypeReference<>() { };

    private final Path file;

    Journal(Path file) {
        this.file = file;
    }

    void write(Map<String, Span> spans) throws IOException {
        AtomicFiles.writeJson(file, spans);
    }

    /** The pending spans, empty when there is no journal; null when it exists but cannot be read. */
    Map<String, Span> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        try {
            Map<String, Span> m = Json.mapper().readValue(bytes, TYPE);
            return m == null ? Map.of() : m;
        } catch (IOException e) {
            return null;
        }
    }

    void delete() throws IOException {
        if (Files.deleteIfExists(file)) {
            AtomicFiles.fsyncDirectory(file.getParent());
        }
    }

    Path path() {
        return file;
    }
}
