package dev.sam.train.adapters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.TestHomes;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapter headers: a real mlx-lm file, a truncated one, npz files (safetensors rules: SafetensorsCorruptTest). */
class FormatReadersTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheRealMlxLmAdapterHeader() throws Exception {
        Map<String, TensorInfo> t = AdapterSanity.tensors(AdapterFiles.locate(
                TestHomes.testdata("qwen2-tiny").resolve("adapters")));
        assertEquals(16, t.size());
        assertArrayEquals(new long[] {64, 4}, t.get("model.layers.1.self_attn.k_proj.lora_a").shape());
        assertArrayEquals(new long[] {4, 32}, t.get("model.layers.2.self_attn.v_proj.lora_b").shape());
        assertEquals(Dtype.F32, t.get("model.layers.2.self_attn.q_proj.lora_b").dtype());
    }

    @Test
    void truncatedFileIsReportedNotMisread() throws Exception {
        byte[] b = Files.readAllBytes(TestHomes.testdata("qwen2-tiny").resolve("adapters/adapters.safetensors"));
        Path d = Files.createDirectories(tmp.resolve("a"));
        Files.write(d.resolve("adapters.safetensors"), Arrays.copyOf(b, b.length - 100));
        Files.writeString(d.resolve("adapter_config.json"), "{}");
        SamException e = assertThrows(SamException.class, () -> AdapterSanity.tensors(AdapterFiles.locate(d)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void readsNpzEntriesAsNumpyWritesThem() throws Exception {
        Path f = tmp.resolve("adapters.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            npy(z, "model.layers.1.self_attn.q_proj.lora_a", "<f4", "(64, 4)", 64 * 4 * 4);
            npy(z, "model.layers.1.self_attn.q_proj.lora_b", "<f2", "(4, 64)", 4 * 64 * 2);
        }
        Map<String, TensorInfo> t = NpzHeader.read(f);
        assertArrayEquals(new long[] {64, 4}, t.get("model.layers.1.self_attn.q_proj.lora_a").shape());
        assertEquals(Dtype.F16, t.get("model.layers.1.self_attn.q_proj.lora_b").dtype());
    }

    @Test
    void npzThatIsNotAZipIsReported() throws Exception {
        Path f = tmp.resolve("adapters.npz");
        Files.writeString(f, "nope");
        IOException e = assertThrows(IOException.class, () -> NpzHeader.read(f));
        assertTrue(e.getMessage().contains("not a valid .npz"), e.getMessage());
    }

    /** numpy format 1.0: magic, version, u16 header length, dict padded with spaces to 64 bytes, data. */
    static void npy(ZipOutputStream z, String name, String descr, String shape, int dataBytes) throws IOException {
        z.putNextEntry(new ZipEntry(name + ".npy"));
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape
                + ", }");
        while ((10 + dict.length() + 1) % 64 != 0) {
            dict.append(' ');
        }
        dict.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) dict.length());
        z.write(b.array());
        z.write(dict.toString().getBytes(StandardCharsets.US_ASCII));
        z.write(new byte[dataBytes]);
        z.closeEntry();
    }
}
