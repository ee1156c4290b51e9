package dev.sam.bench;

import dev.sam.core.progress.ProgressListener;
import dev.sam.train.fuse.FusedModel;
import dev.sam.train.gguf.GgmlType;
import dev.sam.train.gguf.GgufMetadata;
import dev.sam.train.gguf.GgufTokenizer;
import dev.sam.train.gguf.GgufWriter;
import dev.sam.train.gguf.Qwen2Gguf;
import dev.sam.train.tokenizer.BuiltinCorpus;
import dev.sam.train.tokenizer.ByteLevelBpeTrainer;
import dev.sam.train.tokenizer.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generation peer's model: the benchmark's 4-bit model as a Q4_0 GGUF (4.5 bits per weight, the size of
 * MLX 4-bit group 64), written by SAM's own GGUF writer ({@code sam export gguf --type q4_0} does the same)
 * from the dequantized MLX weights, so both sides run the same network up to the requantization. The random
 * model has no tokenizer; a small byte-level BPE one (padded to the vocabulary by the writer) is added to
 * its directory, since llama.cpp requires one — the benchmark feeds token ids, never text. Cached beside
 * the model and rewritten when the model is newer.
 *
 * <pre>Path gguf = BenchGguf.ensure(models.q4(), progress);</pre>
 */
public final class BenchGguf {
    private BenchGguf() {
    }

    public static Path ensure(Path q4Dir, ProgressListener progress) throws IOException {
        Path out = q4Dir.resolveSibling(q4Dir.getFileName() + ".q4_0.gguf");
        Path weights = q4Dir.resolve("model.safetensors");
        if (Files.isRegularFile(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(weights)) >= 0) {
            return out;
        }
        if (!Files.isRegularFile(q4Dir.resolve("tokenizer.json"))) {
            TokenizerFiles.write(q4Dir, new ByteLevelBpeTrainer(64).train(BuiltinCorpus.texts()));
        }
        try (FusedModel m = FusedModel.open(q4Dir, null)) {
            GgufMetadata meta = Qwen2Gguf.metadata(m.config(), "sam bench " + q4Dir.getFileName(), GgmlType.Q4_0);
            GgufTokenizer.addTo(meta, q4Dir, m.config().vocabSize());
            GgufWriter.write(out, meta, Qwen2Gguf.tensors(m, GgmlType.Q4_0), progress);
        }
        return out;
    }
}
