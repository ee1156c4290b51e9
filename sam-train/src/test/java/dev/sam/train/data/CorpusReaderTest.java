package dev.sam.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsSamplesAndTextFilesSkipsBinary() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("data/commits"));
        Files.writeString(src.resolve("a.jsonl"), "{\"instruction\":\"Q\",\"output\":\"A\"}\nbroken\n");
        Files.writeString(tmp.resolve("data/readme.md"), "# Title\ntext");
        Files.write(tmp.resolve("data/blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertEquals(List.of("Q", "A", "# Title\ntext"), CorpusReader.read(List.of(tmp.resolve("data"))));
        assertThrows(SamException.class, () -> CorpusReader.read(List.of(tmp.resolve("missing"))));
    }
}
