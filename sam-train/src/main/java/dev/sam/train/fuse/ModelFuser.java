package dev.sam.train.fuse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.AffineQuant;
import dev.sam.train.model.MlxQuantizer;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ModelDirectory;
import dev.sam.train.model.ParamTensor;
import dev.sam.train.model.Quantization;
import dev.sam.train.model.TensorPlan;
import dev.sam.train.model.WeightsWriter;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link FusedModel} as a HuggingFace/MLX model directory into {@code dir} (which the caller
 * stages): config.json (the base's, with torch_dtype set and MLX's {@code quantization} when requantized),
 * the base's tokenizer and other small files, and the weights as safetensors shards of at most
 * {@code maxShardBytes} ({@code model.safetensors} when one is enough, else
 * {@code model-0000i-of-0000N.safetensors}) plus {@code model.safetensors.index.json} — the names and
 * index layout of transformers' {@code save_pretrained} and mlx-lm's {@code save_model}. Norms and biases
 * stay float; with {@code quant}, Linear and Embedding weights are MLX affine-quantized as
 * {@code mlx_lm.convert -q} does ({@link MlxQuantizer#quantizes}).
 *
 * <pre>ModelFuser.Written w = ModelFuser.write(model, dir, new ModelFuser.Options(Dtype.F16, null, 5L << 30), progress);</pre>
 */
public final class ModelFuser {
    /** mlx-lm's MAX_FILE_SIZE_GB (5 GB) per shard. */
    public static final long DEFAULT_SHARD_BYTES = 5L << 30;
    public static final String INDEX = "model.safetensors.index.json";

    private ModelFuser() {
    }

    /** Float dtype of the written weights, MLX quantization (null: none), shard size limit. */
    public record Options(Dtype dtype, AffineQuant.Params quant, long maxShardBytes) {
        public Options {
            if (dtype != Dtype.F32 && dtype != Dtype.F16 && dtype != Dtype.BF16) {
                throw new IllegalArgumentException("fused weights are F32, F16 or BF16, not " + dtype);
            }
        }
    }

    /** What was written. */
    public record Written(ModelConfig config, List<String> shards, List<String> copiedFiles, int tensors, long bytes) {
    }

    public static Written write(FusedModel model, Path dir, Options o, ProgressListener progress) throws IOException {
        ModelConfig config = model.config().withQuantization(o.quant() == null ? null
                : Quantization.affine(o.quant().groupSize(), o.quant().bits())).withTorchDtype(o.dtype());
        List<String> copied = ModelDirectory.copySideFiles(model.baseDir(), dir);
        ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readString(model.baseDir().resolve("config.json")));
        json.remove("quantization");
        json.remove("quantization_config");
        json.put("torch_dtype", o.dtype().torchName());
        if (config.quantization() != null) {
            ModelConfig.putQuantization(json, config.quantization());
        }
        AtomicFiles.writeString(dir.resolve("config.json"), Json.pretty(MlxQuantizer.sorted(json)) + "\n");

        List<List<TensorPlan>> shards = shards(plans(model, o), o.maxShardBytes());
        Map<String, String> weightMap = new TreeMap<>();
        List<String> names = new ArrayList<>();
        long bytes = 0;
        int tensors = 0;
        for (int i = 0; i < shards.size(); i++) {
            String name = shards.size() == 1 ? "model.safetensors"
                    : "model-%05d-of-%05d.safetensors".formatted(i + 1, shards.size());
            names.add(name);
            Map<String, String> meta = Map.of("format", o.quant() == null ? "pt" : "mlx");
            bytes += WeightsWriter.write(dir.resolve(name), shards.get(i), meta, progress, "writing " + name);
            for (TensorPlan p : shards.get(i)) {
                for (TensorSpec s : WeightsWriter.specs(p)) {
                    weightMap.put(s.name(), name);
                    tensors++;
                }
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", bytes));
        index.put("weight_map", weightMap);
        AtomicFiles.writeJson(dir.resolve(INDEX), index);
        return new Written(config, names, copied, tensors, bytes);
    }

    private static List<TensorPlan> plans(FusedModel model, Options o) {
        List<TensorPlan> plans = new ArrayList<>();
        for (ParamTensor t : model.config().tensors()) {
            AffineQuant.Params q = MlxQuantizer.quantizes(t, o.quant()) ? o.quant() : null;
            plans.add(new TensorPlan(t, o.dtype(), q, model.rows(t)));
        }
        return plans;
    }

    /** Consecutive groups of plans of at most {@code max} bytes each (a larger tensor gets a shard of its own). */
    static List<List<TensorPlan>> shards(List<TensorPlan> plans, long max) {
        List<List<TensorPlan>> out = new ArrayList<>();
        List<TensorPlan> cur = new ArrayList<>();
        long size = 0;
        for (TensorPlan p : plans) {
            long b = WeightsWriter.specs(p).stream().mapToLong(TensorSpec::byteSize).sum();
            if (!cur.isEmpty() && size + b > max) {
                out.add(cur);
                cur = new ArrayList<>();
                size = 0;
            }
            cur.add(p);
            size += b;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }
}
