package dev.sam.train.model;

import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;
import dev.sam.train.tokenizer.BpeVocabulary;
import dev.sam.train.tokenizer.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Qwen2 model directory with seeded random weights ({@link RandomInit}) at any shape, in
 * float32, float16 or bfloat16, optionally MLX-quantized on the fly: config.json, model.safetensors
 * (streamed: memory stays bounded even at 1.5B parameters) and, when a vocabulary is given,
 * tokenizer.json and tokenizer_config.json. The directory appears atomically ({@link StagedDirectory}).
 *
 * <pre>ModelFactory.write(ModelShapes.get("qwen2.5-coder-1.5b"), dir, new ModelFactory.Options(0, Dtype.F16, null), bpe, progress);</pre>
 */
public final class ModelFactory {
    private ModelFactory() {
    }

    /**
     * Seed, weight dtype, for a quantized model the quantization (null: unquantized), and the value of the
     * final RMSNorm weight {@code model.norm.weight} (1 as in HF's init; see {@link TinyModel} for why the
     * tiny model uses more).
     */
    public record Options(long seed, Dtype dtype, AffineQuant.Params quant, float outputNorm) {
        public Options {
            if (dtype != Dtype.F32 && dtype != Dtype.F16 && dtype != Dtype.BF16) {
                throw new IllegalArgumentException("model dtype must be F32, F16 or BF16, not " + dtype);
            }
            if (!(outputNorm > 0) || Float.isInfinite(outputNorm)) {
                throw new IllegalArgumentException("output norm must be a positive number, not " + outputNorm);
            }
        }

        public Options(long seed, Dtype dtype, AffineQuant.Params quant) {
            this(seed, dtype, quant, 1f);
        }
    }

    /** What was written. */
    public record Written(Path dir, ModelConfig config, long weightBytes, long params) {
    }

    /** Writes the directory {@code target} (which must not exist or be empty). */
    public static Written write(ModelConfig shape, Path target, Options o, BpeVocabulary tokenizer,
                                ProgressListener progress) throws IOException {
        ModelConfig config = configFor(shape, o);
        try (StagedDirectory staged = StagedDirectory.create(target)) {
            Path dir = staged.dir();
            AtomicFiles.writeString(dir.resolve("config.json"), Json.pretty(config.toJson()) + "\n");
            if (tokenizer != null) {
                TokenizerFiles.write(dir, tokenizer);
            }
            long bytes = writeWeights(config, dir.resolve("model.safetensors"), o, progress);
            staged.commit();
            return new Written(staged.target(), config, bytes, config.numParams());
        }
    }

    /** The config a model written with {@code o} declares: torch_dtype and quantization set. */
    public static ModelConfig configFor(ModelConfig shape, Options o) {
        ModelConfig c = shape.withTorchDtype(o.dtype())
                .withQuantization(o.quant() == null ? null : Quantization.affine(o.quant().groupSize(), o.quant().bits()));
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw dev.sam.core.SamException.usage("invalid model shape: " + String.join("; ", problems),
                    "adjust the sizes (hidden size divisible by the heads, heads by the KV heads)");
        }
        return c;
    }

    /** Streams random weights for {@code config} into {@code file}; returns its size. */
    public static long writeWeights(ModelConfig config, Path file, Options o, ProgressListener progress)
            throws IOException {
        List<TensorPlan> plans = new ArrayList<>();
        for (ParamTensor t : config.tensors()) {
            RowSource src = t.name().equals("model.norm.weight") && o.outputNorm() != 1f
                    ? constant(Halfs.roundTo(o.dtype(), o.outputNorm()), Math.toIntExact(t.cols()))
                    : RandomInit.of(t, o.seed(), o.dtype());
            AffineQuant.Params q = MlxQuantizer.quantizes(t, o.quant()) ? o.quant() : null;
            plans.add(new TensorPlan(t, o.dtype(), q, src));
        }
        Map<String, String> meta = Map.of("format", o.quant() == null ? "pt" : "mlx");
        return WeightsWriter.write(file, plans, meta, progress, "writing " + file.getFileName());
    }

    private static RowSource constant(float v, int cols) {
        return (first, rows, dst) -> java.util.Arrays.fill(dst, 0, rows * cols, v);
    }
}
