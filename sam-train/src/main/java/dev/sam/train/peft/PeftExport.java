package dev.sam.train.peft;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.infer.EngineSource;
import dev.sam.train.model.StagedDirectory;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.SafetensorsWriter;
import dev.sam.train.safetensors.TensorInfo;
import dev.sam.train.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code sam export peft}: the adapters of a run or a deployed version in HuggingFace PEFT's LoRA format,
 * for training on and serving from the server/cluster world (docs/scale.md): {@code adapter_model.safetensors}
 * ({@link PeftNames}: PEFT keys, transposed matrices, float32), {@code adapter_config.json}
 * ({@code peft_type} LORA, {@code task_type} CAUSAL_LM, {@code r}, {@code lora_alpha} = scale · r so that
 * PEFT's alpha / r equals mlx-lm's scale, {@code lora_dropout}, {@code target_modules},
 * {@code layers_to_transform}, {@code bias} none, {@code base_model_name_or_path}) and a README.md saying
 * where they came from. The directory appears whole or not at all.
 *
 * <pre>PeftExport.Result r = new PeftExport(home, config).export("20260125_100000", Path.of("out"), null);</pre>
 */
public final class PeftExport {
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String CONFIG = "adapter_config.json";

    private final SamHome home;
    private final SamConfig config;

    public PeftExport(SamHome home, SamConfig config) {
        this.home = home;
        this.config = config;
    }

    /** What was written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Result(String source, String adaptersDir, String out, String baseModel, String baseModelNameOrPath,
                         int rank, double scale, double loraAlpha, List<String> targetModules,
                         List<Integer> layersToTransform, int tensors, long bytes) {
    }

    /**
     * Exports the adapters of {@code runOrVersion} (a run id, vX.Y.Z or "active") into the new directory
     * {@code out}; {@code baseModelId} (e.g. Qwen/Qwen2.5-Coder-1.5B-Instruct) goes into
     * base_model_name_or_path, which defaults to the base model's name in SAM.
     */
    public Result export(String runOrVersion, Path out, String baseModelId) {
        EngineSource src = EngineSource.ofRunOrVersion(home, config, runOrVersion);
        Path dir = src.adaptersDir();
        AdapterConfig ac = AdapterConfig.load(dir);
        if (!"lora".equals(ac.fineTuneType())) {
            throw SamException.failure("adapters in " + dir + " are " + ac.fineTuneType() + ", not LoRA",
                    "only LoRA adapters can be exported to PEFT");
        }
        String nameOrPath = baseModelId != null ? baseModelId : src.baseModel();
        try (StagedDirectory staged = StagedDirectory.create(out)) {
            Written w = writeWeights(dir.resolve(AdapterFiles.SAFETENSORS), staged.dir().resolve(WEIGHTS));
            List<Integer> layers = ac.numLayers() == -1 ? null : List.copyOf(w.layers());
            double alpha = ac.scale() * ac.rank();
            AtomicFiles.writeJson(staged.dir().resolve(CONFIG), peftConfig(ac, alpha, w.targets(), layers, nameOrPath));
            AtomicFiles.writeString(staged.dir().resolve("README.md"), readme(src, ac, alpha, nameOrPath));
            staged.commit();
            return new Result(src.label(), dir.toString(), staged.target().toString(), src.baseModel(), nameOrPath,
                    ac.rank(), ac.scale(), alpha, List.copyOf(w.targets()), layers, w.tensors(), w.bytes());
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write the PEFT adapters to " + out + ": " + e.getMessage(),
                    "check free disk space and that the parent directory is writable", e);
        }
    }

    private record Written(TreeSet<Integer> layers, List<String> targets, int tensors, long bytes) {
    }

    /** Every mlx-lm LoRA tensor, transposed, under its PEFT name, in float32. */
    static Written writeWeights(Path mlx, Path peft) throws IOException {
        TreeSet<Integer> layers = new TreeSet<>();
        List<String> targets = new ArrayList<>();
        List<TensorSpec> specs = new ArrayList<>();
        Map<String, TensorInfo> from = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(mlx)) {
            for (TensorInfo t : f.tensors()) {
                PeftNames.Parsed p = PeftNames.parseMlx(t.name());
                if (p == null || t.shape().length != 2) {
                    throw SamException.failure(mlx + " holds " + t.name() + " " + t.shapeString()
                            + ", which is not an mlx-lm LoRA matrix (model.layers.N.<module>.lora_a|lora_b)",
                            "export adapters that SAM or mlx-lm trained");
                }
                layers.add(p.layer());
                if (!targets.contains(p.targetModule())) {
                    targets.add(p.targetModule());
                }
                specs.add(TensorSpec.of(p.peftName(), Dtype.F32, t.shape()[1], t.shape()[0]));
                from.put(p.peftName(), t);
            }
            long bytes;
            try (SafetensorsWriter w = SafetensorsWriter.create(peft, specs, Map.of("format", "pt"))) {
                for (TensorSpec s : specs) {
                    TensorInfo t = from.get(s.name());
                    w.writeTensor(s.name(), PeftNames.transpose(f.floats(t.name()), (int) t.shape()[0],
                            (int) t.shape()[1]));
                }
                bytes = w.totalBytes();
                w.commit();
            }
            targets.sort(java.util.Comparator.comparingInt(PeftExport::targetOrder));
            return new Written(layers, targets, specs.size(), bytes);
        }
    }

    /** q, k, v, o, gate, up, down (the profiles' order); anything else after them. */
    private static int targetOrder(String module) {
        int i = dev.sam.core.config.TrainingProfile.ALL_TARGETS.indexOf(module);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** PEFT's LoraConfig fields (peft tuners/lora/config.py); defaults written out so the file says it all. */
    static Map<String, Object> peftConfig(AdapterConfig ac, double alpha, List<String> targets, List<Integer> layers,
                                          String nameOrPath) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("base_model_name_or_path", nameOrPath);
        c.put("r", ac.rank());
        c.put("lora_alpha", alpha == Math.rint(alpha) ? (Object) (long) alpha : alpha);
        c.put("lora_dropout", ac.dropout());
        c.put("target_modules", targets);
        c.put("layers_to_transform", layers);
        c.put("layers_pattern", layers == null ? null : "layers");
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("use_rslora", false);
        c.put("use_dora", false);
        c.put("modules_to_save", null);
        c.put("inference_mode", true);
        c.put("revision", null);
        return c;
    }

    private static String readme(EngineSource src, AdapterConfig ac, double alpha, String nameOrPath) {
        return """
                # LoRA adapters exported by SAM

                - source: %s (%s)
                - exported: %s
                - base model: `%s` (SAM name `%s`)
                - rank %d, lora_alpha %s (mlx-lm scale %s = lora_alpha / r), dropout %s, %s

                Load with PEFT: `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("%s"), "<this directory>")`.
                Serve with vLLM: `vllm serve %s --enable-lora --lora-modules sam=<this directory>`.
                See SAM's docs/scale.md.
                """.formatted(src.label(), src.adaptersDir(), Times.now(), nameOrPath, src.baseModel(), ac.rank(),
                fmt(alpha), fmt(ac.scale()), fmt(ac.dropout()), ac.numLayers() == -1 ? "all layers"
                        : "the last " + ac.numLayers() + " layers", nameOrPath, nameOrPath);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
