package dev.sam.train.adapters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of an mlx-lm adapter directory that a deployment copies: the weights
 * ({@code adapters.safetensors}, or {@code adapters.npz} from older mlx-lm) and
 * {@code adapter_config.json}. Step checkpoints ({@code 0000100_adapters.safetensors}) and other files
 * are not part of a version.
 *
 * <pre>AdapterFiles f = AdapterFiles.locate(Path.of("runs/20260125_100000/adapters"));</pre>
 *
 * @param weights  null when no weights file was found ({@code problems} says why)
 * @param ignored  files in the directory that are not copied
 */
public record AdapterFiles(Path dir, Path weights, Path config, String format, List<String> ignored,
                           List<String> problems) {
    public static final String SAFETENSORS = "adapters.safetensors";
    public static final String NPZ = "adapters.npz";
    public static final String CONFIG = "adapter_config.json";

    public AdapterFiles {
        ignored = List.copyOf(ignored);
        problems = List.copyOf(problems);
    }

    /** Accepts the adapter directory itself or its weights / config file. Never throws for bad input. */
    public static AdapterFiles locate(Path input) {
        Path in = input.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        if (!Files.exists(in)) {
            problems.add(in + " does not exist");
            return new AdapterFiles(in, null, null, null, List.of(), problems);
        }
        Path dir = in;
        if (Files.isRegularFile(in)) {
            String name = in.getFileName().toString();
            if (!name.equals(SAFETENSORS) && !name.equals(NPZ) && !name.equals(CONFIG)) {
                problems.add(in + " has the wrong name or extension: SAM deploys an adapter directory holding "
                        + SAFETENSORS + " (or " + NPZ + ") and " + CONFIG);
                return new AdapterFiles(in.getParent(), null, null, null, List.of(), problems);
            }
            dir = in.getParent();
        }
        List<String> names = list(dir);
        Path st = dir.resolve(SAFETENSORS);
        Path npz = dir.resolve(NPZ);
        Path weights = Files.isRegularFile(st) ? st : Files.isRegularFile(npz) ? npz : null;
        if (weights == null) {
            problems.add("no " + SAFETENSORS + " or " + NPZ + " in " + dir + explainMissing(names));
        }
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            problems.add("no " + CONFIG + " in " + dir + " (mlx-lm writes it next to the weights)");
            config = null;
        }
        List<String> ignored = new ArrayList<>();
        for (String n : names) {
            boolean copied = (weights != null && n.equals(weights.getFileName().toString())) || n.equals(CONFIG);
            if (!copied) {
                ignored.add(n);
            }
        }
        String format = weights == null ? null : weights == st ? "safetensors" : "npz";
        return new AdapterFiles(dir, weights, config, format, ignored, problems);
    }

    /** The files a version holds, weights first. */
    public List<Path> toCopy() {
        return weights == null || config == null ? List.of() : List.of(weights, config);
    }

    private static String explainMissing(List<String> names) {
        for (String n : names) {
            if (n.startsWith("adapters.")) {
                return " (found " + n + ": wrong extension; SAM deploys .safetensors or .npz adapters)";
            }
            if (n.equals("adapter_model.safetensors") || n.equals("adapter_model.bin")) {
                return " (found " + n + ": that is PEFT format; SAM deploys mlx-lm adapters)";
            }
            if (n.endsWith("_adapters.safetensors")) {
                return " (found the step checkpoint " + n + "; copy it as " + SAFETENSORS
                        + " into a directory with " + CONFIG + " to deploy it)";
            }
        }
        return "";
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
