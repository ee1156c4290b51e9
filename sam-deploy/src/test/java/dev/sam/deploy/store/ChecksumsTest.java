package dev.sam.deploy.store;

import dev.sam.core.store.Checksums;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented checksum definition, recomputed by hand, and naming the file that changed. */
class ChecksumsTest {
    @TempDir
    Path tmp;

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void matchesTheDocumentedDefinition() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("adapters"));
        Files.writeString(d.resolve("b.json"), "{}");
        Files.write(d.resolve("a.safetensors"), new byte[] {1, 2, 3});
        Files.createDirectories(d.resolve("sub"));
        Files.writeString(d.resolve("sub/x"), "x");
        String lines = "a.safetensors\0" + sha(new byte[] {1, 2, 3}) + "\n"
                + "b.json\0" + sha("{}".getBytes(StandardCharsets.UTF_8)) + "\n"
                + "sub/x\0" + sha("x".getBytes(StandardCharsets.UTF_8)) + "\n";
        Checksums.Dir c = Checksums.of(d);
        assertEquals(sha(lines.getBytes(StandardCharsets.UTF_8)), c.checksum());
        assertEquals(List.of("a.safetensors", "b.json", "sub/x"), List.copyOf(c.files().keySet()));
        assertEquals(c.checksum(), Checksums.combine(Map.copyOf(c.files())));
    }

    @Test
    void namesTheFileThatDiffersIsMissingOrWasAdded() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("adapters"));
        Files.writeString(d.resolve("adapters.safetensors"), "weights");
        Files.writeString(d.resolve("adapter_config.json"), "{}");
        Checksums.Dir before = Checksums.of(d);
        Files.writeString(d.resolve("adapters.safetensors"), "weightz");
        Files.delete(d.resolve("adapter_config.json"));
        Files.writeString(d.resolve("extra.txt"), "?");
        List<String> diff = Checksums.differences(d, before.files());
        assertEquals(3, diff.size(), diff.toString());
        assertTrue(diff.get(0).startsWith("adapter_config.json is missing"), diff.toString());
        assertTrue(diff.get(1).startsWith("adapters.safetensors differs"), diff.toString());
        assertEquals("extra.txt was added", diff.get(2));
        assertNotEquals(before.checksum(), Checksums.of(d).checksum());
    }

    @Test
    void versionNumbersBumpThePatchOfTheHighest() {
        assertEquals("v1.0.0", VersionNumbers.next(List.of()));
        assertEquals("v1.0.11", VersionNumbers.next(List.of("v1.0.9", "v1.0.10", "v1.0.2")));
        assertEquals("v2.1.1", VersionNumbers.next(List.of("v1.9.9", "v2.1.0", "hand-made")));
        assertTrue(VersionNumbers.valid("v0.0.1"));
        for (String bad : List.of("1.0.0", "v1.0", "v1.0.0-rc1", "v1.0.0/..", "")) {
            assertTrue(!VersionNumbers.valid(bad), bad);
        }
    }
}
