package dev.sam.train.safetensors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files give one clear SamException naming the file (and the tensor), never a crash. */
class SafetensorsCorruptTest {
    @TempDir
    Path tmp;

    private Path file(String header, int dataBytes) throws Exception {
        return file(header, header.getBytes(StandardCharsets.UTF_8).length, dataBytes);
    }

    private Path file(String header, long declared, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(h);
        Path p = Files.createTempFile(tmp, "bad", ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private static void fails(Path p, String... fragments) {
        SamException e = assertThrows(SamException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.exitCode() == ExitCode.FAILURE);
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "mentions '" + f + "': " + e.getMessage());
        }
        assertTrue(e.hint() != null && !e.hint().isEmpty());
    }

    @Test
    void tooShortForAHeader() throws Exception {
        Path p = tmp.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        fails(p, "too short");
    }

    @Test
    void truncatedData() throws Exception {
        fails(file("{" + t("w", "F32", "[4]", 0, 16) + "}", 8), "'w'", "truncated");
    }

    @Test
    void headerLengthLyingLarge() throws Exception {
        fails(file("{" + t("w", "F32", "[1]", 0, 4) + "}", 1_000_000, 4), "header", "truncated");
    }

    @Test
    void headerLengthLyingSmall() throws Exception {
        fails(file("{" + t("w", "F32", "[1]", 0, 4) + "}", 10, 4), "not valid JSON");
    }

    @Test
    void headerLengthAbsurd() throws Exception {
        fails(file("{}", -5, 0), "header of");
    }

    @Test
    void offsetsOutOfRange() throws Exception {
        fails(file("{" + t("w", "F32", "[1]", 100, 104) + "}", 4), "'w'", "past the end");
    }

    @Test
    void badDtype() throws Exception {
        fails(file("{" + t("w", "F33", "[1]", 0, 4) + "}", 4), "'w'", "unknown dtype 'F33'");
    }

    @Test
    void shapeDoesNotMatchBytes() throws Exception {
        fails(file("{" + t("w", "F16", "[3]", 0, 4) + "}", 4), "'w'", "needs 6 bytes");
    }

    @Test
    void gapAndOverlap() throws Exception {
        fails(file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 8, 12) + "}", 12), "'b'", "gap");
        fails(file("{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[1]", 4, 8) + "}", 8), "overlapping");
    }

    @Test
    void trailingBytes() throws Exception {
        fails(file("{" + t("a", "F32", "[1]", 0, 4) + "}", 9), "5 bytes after the last tensor");
    }

    @Test
    void negativeDimensionAndBadOffsets() throws Exception {
        fails(file("{" + t("a", "F32", "[-1]", 0, 4) + "}", 4), "'a'", "non-negative");
        fails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "'a'", "data_offsets");
        fails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4), "'a'", "not a range");
    }

    @Test
    void notJsonOrNotAnObjectOrDuplicateKeys() throws Exception {
        fails(file("[1,2]   ", 0), "start with '{'");
        fails(file("{\"a\": nope}", 0), "not valid JSON");
        fails(file("{" + t("a", "F32", "[1]", 0, 4) + "," + t("a", "F32", "[1]", 4, 8) + "}", 8), "Duplicate");
    }

    @Test
    void metadataMustBeStrings() throws Exception {
        fails(file("{\"__metadata__\":{\"n\":1}}", 0), "__metadata__");
    }

    @Test
    void missingFileAndMissingTensor() throws Exception {
        fails(tmp.resolve("absent.safetensors"), "does not exist");
        Path ok = file("{" + t("a", "F32", "[1]", 0, 4) + "}", 4);
        try (SafetensorsFile f = SafetensorsFile.open(ok)) {
            SamException e = assertThrows(SamException.class, () -> f.tensor("b"));
            assertTrue(e.getMessage().contains("no tensor 'b'") && e.getMessage().contains(ok.toString()));
        }
    }
}
