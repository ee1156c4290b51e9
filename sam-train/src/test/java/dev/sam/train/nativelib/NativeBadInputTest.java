package dev.sam.train.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, "Bad input through Java": each broken model or batch is a SamException with a message naming
 * the file, tensor or limit, and the JVM lives on (the library never aborts).
 */
class NativeBadInputTest {
    @TempDir
    static Path tmp;
    static Path tiny;
    static int copies;

    @BeforeAll
    static void model() throws Exception {
        tiny = TinyModels.tiny(tmp.resolve("tiny"));
    }

    private static Path copy() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("copy" + copies++));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tiny.resolve(f), d.resolve(f));
        }
        return d;
    }

    private static void fails(Supplier<?> open, String... fragments) {
        SamException e = assertThrows(SamException.class, open::get);
        assertEquals(ExitCode.FAILURE, e.exitCode());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    private static void openFails(Path dir, String... fragments) {
        fails(() -> NativeModel.open(dir), fragments);
    }

    @Test
    void decodePrecisionIsValidatedAndDefaultsToQ22() {
        try {
            for (String p : List.of("q22", "fp32", " Q22 ", "")) {
                Natives.decodePrecision(p); // accepted on every CPU (q22 computes fp32 where it has no kernel)
            }
            SamException e = assertThrows(SamException.class, () -> Natives.decodePrecision("int4"));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("q22, fp32 or q8") && e.getMessage().contains("'int4'"), e.getMessage());
            assertEquals("q22", Natives.DEFAULT_DECODE_PRECISION);
        } finally {
            Natives.restoreDecodePrecision();
        }
    }

    @Test
    void truncatedWeights() throws Exception {
        Path d = copy();
        Path w = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(b, b.length - 1000));
        openFails(d, "model.safetensors");
    }

    @Test
    void headerLengthLying() throws Exception {
        Path d = copy();
        try (FileChannel ch = FileChannel.open(d.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40), 0);
        }
        openFails(d, "model.safetensors", "header");
    }

    @Test
    void shapeMismatchWithConfig() throws Exception {
        Path d = copy();
        Files.writeString(d.resolve("config.json"), Files.readString(d.resolve("config.json"))
                .replace("\"intermediate_size\" : 192", "\"intermediate_size\" : 256"));
        openFails(d, "mlp");
    }

    @Test
    void missingTensor() throws Exception {
        Path d = copy();
        Path w = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(w);
        String all = new String(b, StandardCharsets.ISO_8859_1);
        int at = all.indexOf("\"model.norm.weight\"");
        b[at + 9] = 'X'; // same length: "model.noXm.weight"; offsets stay valid
        Files.write(w, b);
        openFails(d, "model.norm.weight");
    }

    @Test
    void nanInWeights() throws Exception {
        Path d = copy();
        Path w = d.resolve("model.safetensors");
        long at;
        try (SafetensorsFile f = SafetensorsFile.open(w)) {
            TensorInfo t = f.tensor("model.norm.weight");
            at = f.header().dataStart() + t.begin();
        }
        try (FileChannel ch = FileChannel.open(w, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), at);
        }
        openFails(d, "model.norm.weight");
    }

    @Test
    void tokenizerMissing() throws Exception {
        Path d = copy();
        Files.delete(d.resolve("tokenizer.json"));
        fails(() -> ChatEngine.open(d, null), "tokenizer missing");
    }

    @Test
    void badBatchesAreRefused() {
        LoraSpec spec = new LoraSpec(4, 2f, 0f, 1, List.of("q_proj"));
        try (NativeModel m = NativeModel.open(tiny); LoraAdapters a = LoraAdapters.create(m, spec, 0);
             NativeTrainer t = NativeTrainer.create(m, a, TrainSettings.builder().learningRate(1e-3).maxBatch(1).maxSeqLen(16).build())) {
            int[] ids = new int[20];
            fails(() -> t.accumulate(TokenBatch.single(ids, 1)), "seq");
            fails(() -> t.accumulate(TokenBatch.single(new int[8], 8)), "scored target");
            int[] bad = new int[8];
            bad[3] = m.info().vocabSize() + 5;
            fails(() -> t.accumulate(TokenBatch.single(bad, 1)), "vocab");
            assertEquals(0, t.step(), "nothing applied, the trainer is still usable");
            t.accumulate(TokenBatch.single(new int[8], 1));
            t.apply();
            assertEquals(1, t.step());
        }
    }

    /** Issue 16: the DPO step refuses what cannot be a preference micro-batch, naming it, and stays usable. */
    @Test
    void badPreferenceBatchesAreRefused() {
        LoraSpec spec = new LoraSpec(4, 2f, 0f, 1, List.of("q_proj"));
        try (NativeModel m = NativeModel.open(tiny); LoraAdapters a = LoraAdapters.create(m, spec, 0);
             NativeTrainer t = NativeTrainer.create(m, a, TrainSettings.builder().learningRate(1e-3).maxBatch(4).maxSeqLen(16).build())) {
            byte[] mask = new byte[16];
            for (int i = 4; i < 8; i++) {
                mask[i] = 1;
                mask[8 + i] = 1;
            }
            TokenBatch pair = new TokenBatch(new int[16], new int[] {8, 8}, mask, 2, 8);
            double[] ref = {-3.0, -4.0};
            fails(() -> t.accumulatePreference(new TokenBatch(new int[8], new int[] {8}, Arrays.copyOf(mask, 8), 1, 8),
                    new double[] {-1}, 0.1f, 0f), "batch 1 is odd", "chosen");
            fails(() -> t.accumulatePreference(pair, ref, 0f, 0f), "beta");
            fails(() -> t.accumulatePreference(pair, ref, 0.1f, 0.5f), "label_smoothing");
            fails(() -> t.accumulatePreference(pair, new double[] {Double.NaN, -1}, 0.1f, 0f), "ref_logp[0]");
            byte[] noAnswer = mask.clone();
            Arrays.fill(noAnswer, 8, 16, (byte) 0);
            fails(() -> t.accumulatePreference(new TokenBatch(new int[16], new int[] {8, 8}, noAnswer, 2, 8), ref, 0.1f, 0f),
                    "row 1 (the rejected completion of pair 0) has no scored target");
            assertEquals(0, t.step(), "nothing applied, the trainer is still usable");
            NativeTrainer.PreferenceLoss l = t.accumulatePreference(pair, ref, 0.1f, 0f);
            assertTrue(l.meanLoss() > 0 && Double.isFinite(l.meanLoss()), "loss " + l.meanLoss());
            t.apply();
            assertEquals(1, t.step());
        }
    }
}
