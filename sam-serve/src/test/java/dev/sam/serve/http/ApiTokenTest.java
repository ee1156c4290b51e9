package dev.sam.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
    @TempDir
    Path tmp;

    @Test
    void createdOnceOwnerOnlyAndMatchedExactly() throws Exception {
        Path f = tmp.resolve("api_token");
        ApiToken a = ApiToken.loadOrCreate(f);
        assertTrue(a.created());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String t = Files.readString(f).trim();
        assertTrue(t.matches("[0-9a-f]{64}"));
        assertTrue(a.matches(t));
        assertFalse(a.matches(t.substring(1)));
        assertFalse(a.matches(null));
        ApiToken b = ApiToken.loadOrCreate(f);
        assertFalse(b.created());
        assertTrue(b.matches(t));
        assertEquals(java.util.List.of(), b.warnings());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temp file left");
        }
    }

    @Test
    void looseModeIsTightenedAndEmptyFileReplaced() throws Exception {
        Path f = tmp.resolve("api_token");
        Files.writeString(f, "my-own-token\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        ApiToken a = ApiToken.loadOrCreate(f);
        assertTrue(a.matches("my-own-token"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertTrue(a.warnings().get(0).contains("rw-r--r--"));
        Files.writeString(f, "  \n");
        ApiToken b = ApiToken.loadOrCreate(f);
        assertTrue(b.created());
        assertNotEquals("", Files.readString(f).trim());
    }
}
