package dev.sam.train.model;

import dev.sam.core.SamException;
import dev.sam.train.safetensors.TensorInfo;
import dev.sam.train.tokenizer.SpecialTokens;
import dev.sam.train.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks that a directory is a usable Qwen2 model (HF float or MLX-quantized) and reports every problem
 * at once: config.json valid; tokenizer.json present, loadable, with Qwen's chat tokens and no more ids
 * than vocab_size; weights present with every tensor the config implies, at the right shape and dtype
 * (headers only, fast even for a 3 GB model).
 *
 * <pre>ModelCheck c = ModelDirectory.validate(dir);  // throws a SamException listing all problems</pre>
 */
public final class ModelDirectory {
    private ModelDirectory() {
    }

    /** Full check, loading the tokenizer; throws a SamException listing every problem. */
    public static ModelCheck validate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw SamException.failure(dir + (Files.exists(dir) ? " is not a directory" : " does not exist"),
                    "give the path of a model directory (with config.json, tokenizer.json and *.safetensors)");
        }
        ModelCheck c = inspect(dir, true);
        if (!c.ok()) {
            throw SamException.failure(dir + " is not a usable model directory:\n  - "
                    + String.join("\n  - ", c.problems()), "fix the files listed above, or use the model's original"
                    + " HuggingFace/MLX directory");
        }
        return c;
    }

    /** Collects problems without throwing; {@code loadTokenizer} false only checks that tokenizer.json exists. */
    public static ModelCheck inspect(Path dir, boolean loadTokenizer) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(dir + " is not a directory");
            return new ModelCheck(dir.toString(), null, null, null, null, null, null, 0, List.of(), problems, warnings);
        }
        ModelConfig config = null;
        try {
            config = ModelConfig.load(dir.resolve("config.json"));
        } catch (SamException e) {
            problems.add(e.getMessage());
        }
        Integer vocab = tokenizer(dir, config, loadTokenizer, problems);
        String dtype = null;
        List<String> files = List.of();
        try (ModelWeights w = ModelWeights.open(dir)) {
            files = w.paths().stream().map(p -> p.getFileName().toString()).toList();
            w.duplicates().forEach(d -> problems.add("tensor stored twice: " + d));
            if (config != null) {
                problems.addAll(WeightsCheck.check(config, w.tensors(), warnings));
            }
            dtype = mainDtype(w.tensors());
        } catch (SamException e) {
            problems.add(e.getMessage());
        }
        return new ModelCheck(dir.toString(), config, config == null ? null : ModelShapes.describe(config), dtype,
                config == null || config.quantization() == null ? null : config.quantization().label(),
                config == null ? null : config.numParams(), vocab, sizeOnDisk(dir), files, List.copyOf(problems),
                List.copyOf(warnings));
    }

    private static Integer tokenizer(Path dir, ModelConfig config, boolean load, List<String> problems) {
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            problems.add("tokenizer missing: " + dir.resolve("tokenizer.json") + " does not exist");
            return null;
        }
        if (!load) {
            return null;
        }
        try (Tokenizer t = Tokenizer.load(dir)) {
            for (String s : List.of(SpecialTokens.IM_START, SpecialTokens.IM_END)) {
                if (t.specialTokenId(s).isEmpty()) {
                    problems.add("tokenizer.json has no special token " + s + " (needed by the Qwen chat template)");
                }
            }
            if (config != null && t.vocabSize() > config.vocabSize()) {
                problems.add("tokenizer.json produces ids up to " + (t.vocabSize() - 1) + " but vocab_size is "
                        + config.vocabSize() + " (tokenizer and model do not belong together)");
            }
            return t.vocabSize();
        } catch (SamException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /** The float dtype holding most parameters (the model's dtype, ignoring norms and scales). */
    private static String mainDtype(Map<String, TensorInfo> tensors) {
        return tensors.values().stream().filter(t -> t.dtype().isFloat() && !t.name().endsWith(".scales")
                        && !t.name().endsWith(".biases"))
                .collect(Collectors.groupingBy(TensorInfo::dtype, Collectors.summingLong(TensorInfo::numel)))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().torchName()).orElse(null);
    }

    /** Bytes of the regular files in the directory tree (following a symlinked root). */
    public static long sizeOnDisk(Path dir) {
        try (Stream<Path> s = Files.walk(dir.toRealPath())) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Copies the tokenizer, generation config and other small files of a model directory: every regular file
     * but config.json and the weights (what a converted or fused model keeps of its source).
     */
    public static List<String> copySideFiles(Path src, Path dst) throws IOException {
        List<String> copied = new ArrayList<>();
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.equals("config.json") || n.endsWith(".safetensors") || n.equals("model.safetensors.index.json")
                        || n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth") || n.startsWith(".")) {
                    continue;
                }
                Files.copy(p, dst.resolve(n));
                copied.add(n);
            }
        }
        return copied;
    }
}
