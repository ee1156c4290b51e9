package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.SafetensorsWriter;
import dev.sam.train.safetensors.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-directory check reports every problem at once, from headers only. */
class ModelDirectoryTest {
    @TempDir
    static Path tmp;
    static Path tiny;

    @BeforeAll
    static void makeTiny() throws Exception {
        tiny = TinyModel.write(tmp.resolve("tiny"), TinyModel.Options.defaults().with(null, null, 64, null),
                ProgressListener.NONE).dir();
    }

    @Test
    void theTinyModelIsValid() {
        ModelCheck c = ModelDirectory.validate(tiny);
        assertTrue(c.ok());
        assertEquals("float32", c.dtype());
        // 256 byte tokens + 64 merges + 3 chat tokens + 6 FIM tokens (Qwen2.5-Coder's fill-in-the-middle set)
        assertEquals(256 + 64 + 3 + 6, c.tokenizerVocab());
        assertEquals(List.of("model.safetensors"), c.weightFiles());
        assertTrue(c.sizeBytes() > 100_000);
    }

    @Test
    void aQuantizedCopyIsValid() throws Exception {
        Path q = tmp.resolve("tiny-4bit");
        MlxQuantizer.quantize(tiny, q, MlxQuantizer.Options.of(4, 64), ProgressListener.NONE);
        ModelCheck c = ModelDirectory.validate(q);
        assertEquals("4-bit g64", c.quantization());
        assertTrue(Files.exists(q.resolve("tokenizer_config.json")), "tokenizer files copied");
    }

    @Test
    void reportsAllProblemsAtOnce() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.copy(tiny.resolve("config.json"), bad.resolve("config.json"));
        ModelConfig c = ModelConfig.load(bad.resolve("config.json"));
        List<TensorSpec> specs = new ArrayList<>();
        for (ParamTensor t : c.tensors()) {
            if (t.name().equals("model.layers.1.mlp.up_proj.weight")) {
                continue; // missing
            }
            long[] shape = t.name().equals("model.norm.weight") ? new long[] {65} : t.shape();
            specs.add(new TensorSpec(t.name(), Dtype.F32, shape));
        }
        specs.add(TensorSpec.of("model.rotary_emb.inv_freq", Dtype.F32, 8));
        try (SafetensorsWriter w = SafetensorsWriter.create(bad.resolve("model.safetensors"), specs, Map.of())) {
            for (TensorSpec s : specs) {
                w.writeTensor(s.name(), new float[(int) s.numel()]);
            }
            w.commit();
        }
        SamException e = assertThrows(SamException.class, () -> ModelDirectory.validate(bad));
        for (String s : List.of("tokenizer missing", "missing tensor model.layers.1.mlp.up_proj.weight",
                "model.norm.weight has shape [65]")) {
            assertTrue(e.getMessage().contains(s), "mentions " + s + ": " + e.getMessage());
        }
        ModelCheck check = ModelDirectory.inspect(bad, false);
        assertEquals(3, check.problems().size(), check.problems().toString());
        assertTrue(check.warnings().get(0).contains("model.rotary_emb.inv_freq"), check.warnings().toString());
    }

    @Test
    void tokenizerLargerThanTheModelAndBrokenFiles() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("mismatch"));
        Files.copy(tiny.resolve("tokenizer.json"), d.resolve("tokenizer.json"));
        Files.copy(tiny.resolve("tokenizer_config.json"), d.resolve("tokenizer_config.json"));
        String cfg = Files.readString(tiny.resolve("config.json")).replaceAll("\"vocab_size\" : \\d+", "\"vocab_size\" : 300");
        Files.writeString(d.resolve("config.json"), cfg);
        Files.write(d.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        ModelCheck c = ModelDirectory.inspect(d, true);
        assertTrue(c.problems().stream().anyMatch(p -> p.contains("vocab_size is 300")), c.problems().toString());
        assertTrue(c.problems().stream().anyMatch(p -> p.contains("model.safetensors")), c.problems().toString());
        assertEquals(2, c.problems().size(), c.problems().toString());
    }

    @Test
    void notADirectoryAndNoWeights() throws Exception {
        assertTrue(ModelDirectory.inspect(tmp.resolve("nope"), false).problems().get(0).contains("not a directory"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("pytorch_model.bin"), "x");
        ModelCheck c = ModelDirectory.inspect(empty, false);
        assertTrue(c.problems().stream().anyMatch(p -> p.contains("config.json does not exist")), c.problems().toString());
        assertTrue(c.problems().stream().anyMatch(p -> p.contains("no weights")), c.problems().toString());
    }
}
