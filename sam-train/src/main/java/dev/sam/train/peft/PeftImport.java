package dev.sam.train.peft;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.home.SamHome;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.adapters.AdapterFiles;
import dev.sam.train.adapters.LoraShapes;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.StagedDirectory;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.SafetensorsFile;
import dev.sam.train.safetensors.SafetensorsWriter;
import dev.sam.train.safetensors.TensorInfo;
import dev.sam.train.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sam import peft}: a HuggingFace PEFT LoRA directory (adapter_config.json +
 * adapter_model.safetensors, as {@code save_pretrained} writes it after TRL/accelerate training) as an
 * mlx-lm adapter directory that {@code sam deploy PATH} takes: {@code lora_A.weight [r, in]} and
 * {@code lora_B.weight [out, r]} transposed to {@code lora_a [in, r]} / {@code lora_b [r, out]}
 * ({@link PeftNames}), scale = PEFT's scaling ({@link PeftLoraConfig}). mlx-lm adapts the last N layers,
 * PEFT any subset ({@code layers_to_transform}): layers in that range that PEFT left alone get zero
 * matrices, which add exactly nothing. Shapes are checked against the base model first, so adapters
 * for another base are refused before anything is written; the directory appears whole or not at all.
 *
 * <pre>PeftImport.Result r = new PeftImport(home).importDir(Path.of("out/adapter"), "tiny", null);</pre>
 */
public final class PeftImport {
    private static final Pattern KEY = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(\\d+)\\.((?:self_attn|mlp)\\.\\w+)\\.lora_([AB])(?:\\.default)?\\.weight");

    private final SamHome home;

    public PeftImport(SamHome home) {
        this.home = home;
    }

    /** What was written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Result(String from, String out, String baseModel, int rank, double loraAlpha, boolean rslora,
                         double scale, int numLayers, List<String> keys, List<Integer> peftLayers,
                         List<Integer> zeroLayers, int tensors, long bytes) {
    }

    /** Imports {@code dir}; {@code base} overrides base_model_name_or_path; {@code out} null: models/imported/NAME. */
    public Result importDir(Path dir, String base, Path out) {
        Path in = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            throw SamException.usage(in + (Files.exists(in) ? " is not a directory" : " does not exist"),
                    "give the directory PEFT's save_pretrained wrote (adapter_config.json + adapter_model.safetensors)");
        }
        Path weights = in.resolve(PeftExport.WEIGHTS);
        if (!Files.isRegularFile(in.resolve(PeftExport.CONFIG)) || !Files.isRegularFile(weights)) {
            boolean bin = Files.exists(in.resolve("adapter_model.bin"));
            throw SamException.failure(in + " is not a PEFT adapter directory: it needs " + PeftExport.CONFIG + " and "
                    + PeftExport.WEIGHTS, bin ? "it holds adapter_model.bin: save with safe_serialization=True (PEFT's"
                    + " default) or convert it to safetensors" : "point at the directory model.save_pretrained() wrote");
        }
        PeftLoraConfig pc = PeftLoraConfig.read(in.resolve(PeftExport.CONFIG));
        String baseName = base != null ? base : pc.baseModel();
        if (baseName == null) {
            throw SamException.usage("adapter_config.json names no base model", "pass --base NAME (see `sam models`)");
        }
        BaseModelRegistry registry = new BaseModelRegistry(home);
        Path baseDir = registry.require(baseName);
        String samBase = baseDir.startsWith(home.baseModelsDir()) ? baseDir.getFileName().toString() : baseName;
        ModelConfig bc = ModelConfig.load(baseDir.resolve("config.json"));
        Path target = out != null ? out : home.importedAdapters(in.getFileName().toString());
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            Map<String, TensorInfo> byMlx = new LinkedHashMap<>();
            TreeSet<Integer> layers = new TreeSet<>();
            TreeSet<String> keys = new TreeSet<>();
            List<String> problems = new ArrayList<>();
            for (TensorInfo t : f.tensors()) {
                Matcher m = KEY.matcher(t.name());
                if (!m.matches()) {
                    problems.add(t.name() + " is not a LoRA matrix of a Qwen2 projection (SAM imports lora_A/lora_B"
                            + " of q/k/v/o/gate/up/down_proj only)");
                    continue;
                }
                int layer = Integer.parseInt(m.group(1));
                String key = m.group(2);
                boolean isA = m.group(3).equals("A");
                long[] io = LoraShapes.inOut(bc, key);
                long[] want = io == null ? null : isA ? new long[] {pc.rank(), io[0]} : new long[] {io[1], pc.rank()};
                if (io == null || layer >= bc.numHiddenLayers() || !java.util.Arrays.equals(want, t.shape())) {
                    problems.add(t.name() + " " + t.shapeString() + " does not fit base " + samBase + (want == null
                            || layer >= bc.numHiddenLayers() ? " (" + bc.numHiddenLayers() + " layers)"
                            : " (expected " + java.util.Arrays.toString(want) + " at r " + pc.rank() + ")"));
                    continue;
                }
                layers.add(layer);
                keys.add(key);
                byMlx.put("model.layers." + layer + "." + key + ".lora_" + (isA ? "a" : "b"), t);
            }
            if (!problems.isEmpty() || byMlx.isEmpty()) {
                throw SamException.failure("cannot import " + in + " onto base " + samBase + ":\n  - " + (byMlx.isEmpty()
                        && problems.isEmpty() ? "it holds no LoRA matrices" : String.join("\n  - ", problems)),
                        "import adapters trained on this base model, or name the right one with --base NAME");
            }
            List<String> targets = TrainingProfile.ALL_TARGETS.stream().filter(t -> keys.stream()
                    .anyMatch(k -> k.endsWith("." + t))).toList();
            int all = bc.numHiddenLayers();
            int numLayers = pc.layers() == null && layers.first() == 0 ? -1 : all - layers.first();
            LoraSpec spec = new LoraSpec(pc.rank(), (float) pc.scale(), (float) pc.dropout(), numLayers, targets);
            AdapterConfig ac = new AdapterConfig("lora", numLayers, pc.rank(), pc.scale(), pc.dropout(),
                    spec.mlxKeys(), samBase);
            Map<String, long[]> expected = LoraShapes.expected(ac, bc);
            List<Integer> zero = new ArrayList<>();
            for (int l = all - (numLayers == -1 ? all : numLayers); l < all; l++) {
                if (!layers.contains(l)) {
                    zero.add(l);
                }
            }
            try (StagedDirectory staged = StagedDirectory.create(target)) {
                long bytes = write(f, byMlx, expected, staged.dir().resolve(AdapterFiles.SAFETENSORS));
                Map<String, Object> args = new LinkedHashMap<>();
                args.put("imported_from", in.toString());
                args.put("peft_lora_alpha", pc.alpha());
                args.put("peft_use_rslora", pc.rslora());
                ac.write(staged.dir().resolve(AdapterFiles.CONFIG), null, args);
                staged.commit();
                return new Result(in.toString(), staged.target().toString(), samBase, pc.rank(), pc.alpha(),
                        pc.rslora(), pc.scale(), numLayers, ac.keys(), List.copyOf(layers), zero, expected.size(), bytes);
            }
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "cannot write the imported adapters to " + target + ": "
                    + e.getMessage(), "check free disk space and permissions", e);
        }
    }

    /** mlx-lm tensors in float32: PEFT's transposed, zeros for layers PEFT did not adapt. */
    private static long write(SafetensorsFile f, Map<String, TensorInfo> byMlx, Map<String, long[]> expected, Path file)
            throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        expected.forEach((name, shape) -> specs.add(TensorSpec.of(name, Dtype.F32, shape)));
        try (SafetensorsWriter w = SafetensorsWriter.create(file, specs, Map.of("format", "mlx"))) {
            for (TensorSpec s : specs) {
                TensorInfo t = byMlx.get(s.name());
                float[] v = t == null ? new float[Math.toIntExact(s.numel())]
                        : PeftNames.transpose(f.floats(t.name()), (int) t.shape()[0], (int) t.shape()[1]);
                w.writeTensor(s.name(), v);
            }
            long bytes = w.totalBytes();
            w.commit();
            return bytes;
        }
    }
}
