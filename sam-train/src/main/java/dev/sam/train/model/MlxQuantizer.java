package dev.sam.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts a float Qwen2 model directory into MLX's affine-quantized layout, as {@code mlx_lm.convert -q}
 * does: every Linear and the Embedding whose input size is a multiple of the group size (mlx-lm's
 * quantize predicate) become {@code <module>.weight} U32 {@code [out, in*bits/32]} plus {@code .scales} and
 * {@code .biases} {@code [out, in/group_size]} ({@link AffineQuant}); norms and q/k/v biases keep their
 * dtype; config.json gets {@code "quantization"} and {@code "quantization_config"}; the tokenizer and other
 * small files are copied. Tensors are streamed, so memory stays bounded; the destination appears
 * atomically.
 *
 * <pre>MlxQuantizer.quantize(src, dst, MlxQuantizer.Options.of(4, 64), progress);</pre>
 */
public final class MlxQuantizer {
    private MlxQuantizer() {
    }

    /** Bits (2, 3, 4, 5, 6, 8), group size (32, 64, 128), the dtype of scales/biases, rounding reference. */
    public record Options(int bits, int groupSize, Dtype scaleDtype, AffineQuant.Rounding rounding) {
        public static Options of(int bits, int groupSize) {
            return new Options(bits, groupSize, Dtype.F16, AffineQuant.Rounding.MLX);
        }

        AffineQuant.Params params() {
            return new AffineQuant.Params(bits, groupSize, scaleDtype, rounding);
        }
    }

    /** What was written. */
    public record Result(Path dir, ModelConfig config, int quantizedModules, int keptTensors,
                         List<String> droppedTensors, List<String> copiedFiles, long sourceBytes, long bytes) {
    }

    /** Whether mlx-lm would quantize this tensor with {@code q} (null: nothing is quantized). */
    public static boolean quantizes(ParamTensor t, AffineQuant.Params q) {
        return q != null && t.kind().quantizable() && t.cols() % q.groupSize() == 0;
    }

    public static Result quantize(Path src, Path dst, Options o, ProgressListener progress) throws IOException {
        if (!Quantization.supportedBits(o.bits()) || !Quantization.supportedGroupSize(o.groupSize())) {
            throw SamException.usage("cannot quantize with " + o.bits() + " bits and group size " + o.groupSize(),
                    "bits must be 2, 3, 4, 5, 6 or 8 and the group size 32, 64 or 128 (as MLX supports)");
        }
        Path configFile = src.resolve("config.json");
        ModelConfig config = ModelConfig.load(configFile);
        if (config.isQuantized()) {
            throw SamException.failure(src + " is already quantized (" + config.quantization().label() + ")",
                    "quantize the original float model instead");
        }
        AffineQuant.Params q = o.params();
        try (ModelWeights weights = ModelWeights.open(src)) {
            List<String> warnings = new ArrayList<>();
            List<String> problems = WeightsCheck.check(config, weights.tensors(), warnings);
            if (!problems.isEmpty()) {
                throw SamException.failure("cannot quantize " + src + ":\n  - " + String.join("\n  - ", problems),
                        "the weights do not match config.json; check the model directory with `sam model add`");
            }
            List<TensorPlan> plans = new ArrayList<>();
            int quantized = 0;
            for (ParamTensor t : config.tensors()) {
                TensorInfo info = weights.find(t.name()).orElseThrow();
                boolean qz = quantizes(t, q);
                quantized += qz ? 1 : 0;
                plans.add(new TensorPlan(t, info.dtype(), qz ? q : null, weights.rows(t.name())));
            }
            List<String> used = config.tensors().stream().map(ParamTensor::name).toList();
            List<String> dropped = weights.tensors().keySet().stream().filter(n -> !used.contains(n)).sorted().toList();
            ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readString(configFile));
            Quantization quant = Quantization.affine(o.groupSize(), o.bits());
            ModelConfig.putQuantization(json, quant);
            try (StagedDirectory staged = StagedDirectory.create(dst)) {
                List<String> copied = ModelDirectory.copySideFiles(src, staged.dir());
                AtomicFiles.writeString(staged.dir().resolve("config.json"), Json.pretty(sorted(json)) + "\n");
                long bytes = WeightsWriter.write(staged.dir().resolve("model.safetensors"), plans,
                        Map.of("format", "mlx"), progress, "quantizing to " + quant.label());
                staged.commit();
                return new Result(staged.target(), config.withQuantization(quant), quantized,
                        plans.size() - quantized, dropped, copied, weights.bytes(), bytes);
            }
        }
    }

    /** mlx-lm's save_config sorts the keys. */
    public static JsonNode sorted(ObjectNode o) {
        ObjectNode out = Json.mapper().createObjectNode();
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        keys.stream().sorted().forEach(k -> out.set(k, o.get(k)));
        return out;
    }
}
