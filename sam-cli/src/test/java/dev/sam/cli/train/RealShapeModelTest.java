package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slow (-Pslow): the real Qwen2.5-Coder-1.5B shape written as fp16 (3 GB) and quantized to MLX 4-bit,
 * each in a child JVM limited to a 192 MB heap — proof that both stream instead of holding the model.
 * Written under target/ and deleted afterwards.
 */
@Tag("slow")
class RealShapeModelTest {
    static final long PARAMS = 1_543_714_304L;
    /** 4-bit g64: quantized weights/2 + (scales + biases) 2 x 2 bytes per 64 + norms and q/k/v biases in fp16. */
    static final long Q4_DATA = 771_784_704L + 96_473_088L + 289_792L;

    @Test
    void writesAndQuantizesTheRealShapeInBoundedMemory() throws Exception {
        Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "real-shape");
        try {
            CliRunner sam = new CliRunner(base.resolve("home")).env("JAVA_TOOL_OPTIONS", "-Xmx192m");
            Path fp16 = base.resolve("fp16");
            CliRunner.Result w = sam.run("model", "random", fp16.toString(), "--shape", "qwen2.5-coder-1.5b",
                    "--dtype", "fp16", "--json");
            assertEquals(0, w.exitCode(), w.toString());
            JsonNode r = Json.mapper().readTree(w.stdout());
            assertEquals(PARAMS, r.get("params").asLong());
            assertEquals(PARAMS * 2, dataBytes(fp16.resolve("model.safetensors")));

            Path q4 = base.resolve("q4");
            CliRunner.Result q = sam.run("model", "quantize", fp16.toString(), q4.toString(), "--bits", "4",
                    "--group-size", "64", "--json");
            assertEquals(0, q.exitCode(), q.toString());
            assertEquals(Q4_DATA, dataBytes(q4.resolve("model.safetensors")));

            CliRunner.Result add = sam.run("model", "add", q4.toString(), "--name", "q4", "--json");
            assertEquals(0, add.exitCode(), add.toString());
            JsonNode check = Json.mapper().readTree(add.stdout()).get("check");
            assertEquals("qwen2.5-coder-1.5b", check.get("shape").asText());
            assertEquals("4-bit g64", check.get("quantization").asText());
        } finally {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Size of the data section after validating that the header length fits. */
    private static long dataBytes(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            long n = b.getLong(0);
            assertTrue(n > 0 && n < 1 << 20, "header length " + n);
            return ch.size() - 8 - n;
        }
    }
}
