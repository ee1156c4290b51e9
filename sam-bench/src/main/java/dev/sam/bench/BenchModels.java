package dev.sam.bench;

import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.AffineQuant;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ModelFactory;
import dev.sam.train.safetensors.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's base models, generated once with seeded random weights ({@link ModelFactory}, streamed,
 * bounded memory) and cached under the work directory: the fp16 model and its MLX 4-bit (group 64) copy,
 * quantized from the same fp16 values. A cached directory is reused when its config.json is exactly the
 * one that would be written.
 *
 * <pre>BenchModels.Pair p = BenchModels.ensure(work.resolve("models"), "qwen2.5-coder-1.5b", shape, 0, progress);</pre>
 */
public final class BenchModels {
    /** The two model directories. */
    public record Pair(Path q4, Path fp16, boolean generated) {
    }

    private BenchModels() {
    }

    public static Pair ensure(Path dir, String name, ModelConfig shape, long seed, ProgressListener progress)
            throws IOException {
        ModelFactory.Options fp16 = new ModelFactory.Options(seed, Dtype.F16, null);
        ModelFactory.Options q4 = new ModelFactory.Options(seed, Dtype.F16, AffineQuant.Params.mlx(4, 64));
        Path q4Dir = dir.resolve(name + "-mlx-q4g64-seed" + seed);
        Path fpDir = dir.resolve(name + "-fp16-seed" + seed);
        boolean a = ensureOne(q4Dir, shape, q4, progress);
        boolean b = ensureOne(fpDir, shape, fp16, progress);
        return new Pair(q4Dir, fpDir, a || b);
    }

    private static boolean ensureOne(Path dir, ModelConfig shape, ModelFactory.Options o, ProgressListener progress)
            throws IOException {
        ModelConfig want = ModelFactory.configFor(shape, o);
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(config) && Files.isRegularFile(dir.resolve("model.safetensors"))) {
            if (ModelConfig.load(config).equals(want)) {
                return false;
            }
            deleteTree(dir);
        } else if (Files.exists(dir)) {
            deleteTree(dir);
        }
        ModelFactory.write(shape, dir, o, null, progress);
        return true;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
