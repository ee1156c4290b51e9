package dev.sam.core.home;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a base model named by a training config, an adapter_config.json or a user may be: the registered
 * name {@code models/base/<name>}, then {@code models/base/<last path segment>} (trainers record hub ids
 * such as {@code mlx-community/Qwen2.5-Coder-1.5B-Instruct-4bit}), then the name as a directory path.
 * The one rule for {@code sam train} (sam-train's BaseModelRegistry) and {@code sam status}'s readiness.
 *
 * <pre>Optional&lt;Path&gt; dir = BaseModelLocation.locate(home, config.defaultBaseModel());</pre>
 */
public final class BaseModelLocation {
    private BaseModelLocation() {
    }

    /** The candidate directories, in order, without duplicates; they may not exist. */
    public static List<Path> candidates(SamHome home, String name) {
        Set<Path> out = new LinkedHashSet<>();
        if (!name.isBlank() && !name.contains("..")) {
            out.add(home.baseModel(name));
            String last = name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
            if (!last.isEmpty()) {
                out.add(home.baseModel(last));
            }
        }
        Path asPath = Path.of(name);
        if (asPath.isAbsolute() || name.startsWith(".") || Files.isDirectory(asPath)) {
            out.add(asPath.toAbsolutePath().normalize());
        }
        return List.copyOf(out);
    }

    /** The first candidate holding a config.json, if any. */
    public static Optional<Path> locate(SamHome home, String name) {
        return candidates(home, name).stream().filter(d -> Files.isRegularFile(d.resolve("config.json"))).findFirst();
    }
}
