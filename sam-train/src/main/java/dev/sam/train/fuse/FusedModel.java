package dev.sam.train.fuse;

import dev.sam.core.SamException;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ParamTensor;
import dev.sam.train.model.RowSource;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.peft.PeftNames;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A base model with (optionally) LoRA adapters merged in, as float32 rows per parameter tensor: the base
 * weights exactly as the native trainer sees them (MLX-quantized weights dequantized by libsamtrain,
 * fp16/bf16 widened), plus {@link LoraDelta} on every adapted module. Both the fused model directory
 * ({@link ModelFuser}) and the GGUF file (dev.sam.train.gguf) are written from it, so the two cannot
 * disagree about what "the fused model" is.
 *
 * <pre>try (FusedModel m = FusedModel.open(baseDir, adaptersDir)) { RowSource q = m.rows(tensor); }</pre>
 */
public final class FusedModel implements AutoCloseable {
    private final Path baseDir;
    private final ModelConfig config;
    private final NativeModel model;
    private final Map<String, LoraDelta> deltas;

    private FusedModel(Path baseDir, ModelConfig config, NativeModel model, Map<String, LoraDelta> deltas) {
        this.baseDir = baseDir;
        this.config = config;
        this.model = model;
        this.deltas = deltas;
    }

    /** Opens {@code baseDir}; {@code adaptersDir} null means the base alone. */
    public static FusedModel open(Path baseDir, Path adaptersDir) {
        ModelConfig config = ModelConfig.load(baseDir.resolve("config.json"));
        Map<String, LoraDelta> deltas = adaptersDir == null ? Map.of() : deltas(adaptersDir, config);
        return new FusedModel(baseDir, config, NativeModel.open(baseDir), deltas);
    }

    /** The base model's config (with its quantization, if any). */
    public ModelConfig config() {
        return config;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Names of the weights that get a LoRA delta (e.g. model.layers.1.self_attn.q_proj.weight). */
    public List<String> fusedTensors() {
        return deltas.keySet().stream().sorted().toList();
    }

    /** The float32 rows of {@code t} with its LoRA delta, if any. */
    public RowSource rows(ParamTensor t) {
        int cols = Math.toIntExact(t.cols());
        RowSource base = (first, n, dst) -> System.arraycopy(model.weightRows(t.name(), Math.toIntExact(first), n), 0,
                dst, 0, n * cols);
        LoraDelta d = deltas.get(t.name());
        return d == null ? base : d.over(base);
    }

    private static Map<String, LoraDelta> deltas(Path dir, ModelConfig config) {
        AdapterConfig ac = AdapterConfig.load(dir);
        if (!"lora".equals(ac.fineTuneType())) {
            throw SamException.failure("adapters in " + dir + " are " + ac.fineTuneType() + ", not LoRA",
                    "only LoRA adapters can be fused");
        }
        Map<String, ParamTensor> weights = new HashMap<>();
        config.tensors().forEach(t -> weights.put(t.name(), t));
        Map<String, LoraDelta> out = new HashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(AdapterFiles.SAFETENSORS))) {
            for (TensorInfo t : f.tensors()) {
                PeftNames.Parsed p = PeftNames.parseMlx(t.name());
                if (p == null) {
                    throw SamException.failure(dir + " holds " + t.name() + ", which is not an mlx-lm LoRA matrix",
                            "fuse adapters that SAM or mlx-lm trained");
                }
                if (!p.isA()) {
                    continue;
                }
                String w = "model.layers." + p.layer() + "." + p.module() + ".weight";
                ParamTensor base = weights.get(w);
                TensorInfo b = f.find(t.name().replace(".lora_a", ".lora_b")).orElse(null);
                if (base == null || b == null || t.shape().length != 2 || b.shape().length != 2
                        || t.shape()[0] != base.cols() || b.shape()[1] != base.rows() || t.shape()[1] != ac.rank()
                        || b.shape()[0] != ac.rank()) {
                    throw SamException.failure("adapter " + t.name() + " " + t.shapeString() + " does not fit the base"
                            + " model's " + w + (base == null ? " (no such weight)" : " [" + base.rows() + ", "
                            + base.cols() + "]") + " at rank " + ac.rank(), "fuse the adapters with the base model"
                            + " they were trained on (--base NAME)");
                }
                out.put(w, new LoraDelta(f.floats(t.name()), f.floats(b.name()), (int) base.cols(), (int) base.rows(),
                        ac.rank(), (float) ac.scale()));
            }
        }
        return Map.copyOf(out);
    }

    @Override
    public void close() {
        model.close();
    }
}
