package dev.sam.train.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Halfs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GGUF pieces on their own: Q8_0 and Q4_0 blocks as ggml's reference quantizer computes them, the file layout
 * (magic, version, counts, aligned data), llama.cpp's tensor names, the destination checks, and the
 * refusal of a tokenizer llama.cpp would split differently. (A real llama.cpp reads the files in
 * GgufLlamaCppTest.)
 */
class GgufWriterTest {
    @TempDir
    Path tmp;

    @Test
    void q8BlocksFollowGgmlsReferenceQuantizer() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i - 16) * 0.25f; // -4 .. 3.75: amax 4, d = 4/127
        }
        x[3] = 4f * 2.5f / 127f; // exactly 2.5 steps: roundf goes away from zero -> 3 (Math.round would give 3 too)
        x[5] = -4f * 2.5f / 127f; // -2.5 steps -> -3 (Math.round would give -2)
        ByteBuffer b = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        Q8_0.quantize(x, 0, 32, b);
        b.flip();
        assertEquals(Halfs.floatToHalf(4f / 127f), b.getShort(), "d = amax / 127 as fp16");
        byte[] q = new byte[32];
        b.get(q);
        assertEquals(-127, q[0], "-4 / d");
        assertEquals(3, q[3]);
        assertEquals(-3, q[5], "half away from zero, as C's roundf");
        assertEquals(0, q[16]);
        float[] back = new float[32];
        ByteBuffer again = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        Q8_0.quantize(x, 0, 32, again);
        Q8_0.dequantize(again.flip(), 32, back, 0);
        for (int i = 0; i < 32; i++) {
            assertEquals(x[i], back[i], 4f / 127f / 2 + 1e-3f, "within half a step: " + i);
        }
        ByteBuffer zero = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        Q8_0.quantize(new float[32], 0, 32, zero);
        assertArrayEquals(new byte[34], zero.array(), "an all-zero block is d 0, q 0");
        assertEquals(68, GgmlType.Q8_0.rowBytes(64));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q8_0.rowBytes(48));
    }

    @Test
    void q4BlocksFollowGgmlsReferenceQuantizer() {
        // ggml quantize_row_q4_0_ref: max = the value of largest magnitude with its sign, d = max / -8,
        // q = min(15, (int8) (x / d + 8.5)); low nibbles hold values 0..15, high nibbles 16..31
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i - 10) * 0.125f; // -1.25 .. 2.625: max 2.625 -> d = -0.328125
        }
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        Q4_0.quantize(x, 0, 32, b);
        b.flip();
        float d = 2.625f / -8f;
        assertEquals(Halfs.floatToHalf(d), b.getShort(), "d = max / -8 as fp16");
        byte[] q = new byte[16];
        b.get(q);
        int q0 = q[0] & 15;
        int q31 = (q[15] >> 4) & 15;
        assertEquals(Math.min(15, (int) (-1.25f / d + 8.5f)), q0, "x[0] = -1.25 -> 12");
        assertEquals(12, q0);
        assertEquals(0, q31, "the largest value maps to q = 0 (d < 0)");
        assertEquals((int) (0.75f / d + 8.5f), (q[0] >> 4) & 15, "x[16] = 0.75 in the high nibble of byte 0");
        float[] back = new float[32];
        Q4_0.dequantize(ByteBuffer.wrap(b.array()).order(ByteOrder.LITTLE_ENDIAN), 32, back, 0);
        for (int i = 0; i < 32; i++) {
            assertEquals(x[i], back[i], Math.abs(d) / 2 + 1e-3f, "within half a step: " + i);
        }
        ByteBuffer zero = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        Q4_0.quantize(new float[32], 0, 32, zero);
        byte[] want = new byte[18];
        want[1] = (byte) 0x80; // d = 0 / -8 = -0.0 as in ggml: fp16 0x8000
        for (int i = 2; i < 18; i++) {
            want[i] = (byte) 0x88; // id 0: q = (int8) 8.5 = 8 in both nibbles
        }
        assertArrayEquals(want, zero.array(), "an all-zero block is d -0, q 8");
        assertEquals(36, GgmlType.Q4_0.rowBytes(64));
    }

    @Test
    void fileLayoutIsGgufV3WithAlignedData() throws Exception {
        GgufMetadata m = new GgufMetadata().string("general.architecture", "qwen2").u32("qwen2.block_count", 1)
                .f32("x.eps", 1e-6f).bool("b", true).strings("s", List.of("a", "ü")).i32s("t", List.of(1, -2));
        float[] v = {1, 2, 3};
        List<GgufTensor> ts = List.of(new GgufTensor("a.weight", 1, 3, true, GgmlType.F32, (f, n, dst) ->
                System.arraycopy(v, 0, dst, 0, 3)), new GgufTensor("b.weight", 2, 32, false, GgmlType.F16, (f, n, dst) ->
                java.util.Arrays.fill(dst, 0, n * 32, 0.5f)));
        Path file = tmp.resolve("x.gguf");
        long size = GgufWriter.write(file, m, ts, ProgressListener.NONE);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(size, b.capacity());
        assertEquals("GGUF", new String(b.array(), 0, 4, StandardCharsets.US_ASCII));
        b.position(4);
        assertEquals(3, b.getInt());
        assertEquals(2, b.getLong(), "tensors");
        assertEquals(6, b.getLong(), "metadata keys");
        int dataStart = (int) GgufWriter.pad(GgufWriter.header(m, ts).length);
        assertEquals(0, dataStart % 32);
        assertEquals(1f, b.getFloat(dataStart));
        assertEquals(3f, b.getFloat(dataStart + 8));
        assertEquals(Halfs.floatToHalf(0.5f), b.getShort(dataStart + 32), "the second tensor starts 32-aligned");
        assertEquals(dataStart + 32 + 128, size);
        assertThrows(IllegalArgumentException.class, () -> m.u32("b", 1), "keys are unique");
    }

    @Test
    void tensorNamesAreLlamaCpps() {
        assertEquals("token_embd.weight", Qwen2Gguf.name("model.embed_tokens.weight"));
        assertEquals("blk.3.attn_q.bias", Qwen2Gguf.name("model.layers.3.self_attn.q_proj.bias"));
        assertEquals("blk.0.attn_output.weight", Qwen2Gguf.name("model.layers.0.self_attn.o_proj.weight"));
        assertEquals("blk.11.ffn_norm.weight", Qwen2Gguf.name("model.layers.11.post_attention_layernorm.weight"));
        assertEquals("blk.1.ffn_down.weight", Qwen2Gguf.name("model.layers.1.mlp.down_proj.weight"));
        assertEquals("output_norm.weight", Qwen2Gguf.name("model.norm.weight"));
        assertEquals("output.weight", Qwen2Gguf.name("lm_head.weight"));
    }

    @Test
    void destinationChecksRunBeforeAnythingIsWritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        SamException e = assertThrows(SamException.class, () -> GgufExport.checkTarget(dir, true, "--out"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path file = Files.writeString(tmp.resolve("f"), "x");
        e = assertThrows(SamException.class, () -> GgufExport.checkTarget(file.resolve("m.gguf"), false, "--out"));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
        e = assertThrows(SamException.class, () -> GgufExport.checkTarget(file, false, "--out"));
        assertTrue(e.getMessage().contains("already exists") && e.hint().contains("--force"), e.hint());
        GgufExport.checkTarget(file, true, "--out");
        GgufExport.checkTarget(tmp.resolve("new/m.gguf"), false, "--out");
    }

    @Test
    void aPreTokenizerLlamaCppDoesNotHaveIsRefused() {
        ObjectNode tok = Json.mapper().createObjectNode();
        tok.putObject("pre_tokenizer").put("type", "Whitespace");
        SamException e = assertThrows(SamException.class, () -> GgufTokenizer.preTokenizer(tmp, tok));
        assertTrue(e.getMessage().contains("would split text differently"), e.getMessage());
        tok.putObject("pre_tokenizer").put("type", "ByteLevel").put("use_regex", true);
        assertEquals("gpt-2", GgufTokenizer.preTokenizer(tmp, tok));
    }
}
