package dev.sam.serve.routing;

import dev.sam.core.home.SamHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds a base model directory the way sam-deploy's validation does: {@code models/base/<name>}, then
 * {@code models/base/<last path segment>} (trainers record hub ids such as
 * {@code mlx-community/Qwen2.5-Coder-1.5B-Instruct-4bit}), then an absolute path. With no name at all
 * (nothing deployed, {@code training.base_model} unset) the only registered base model is used.
 */
final class BaseModels {
    private BaseModels() {
    }

    /** The directory, or null with the problem. */
    record Found(String name, Path dir, String problem) {
    }

    static Found find(SamHome home, String name) {
        if (name == null) {
            List<Path> all = registered(home);
            if (all.size() == 1) {
                return new Found(all.get(0).getFileName().toString(), all.get(0), null);
            }
            return new Found(null, null, all.isEmpty()
                    ? "no base model: none is registered under " + home.baseModelsDir()
                    + " (create one with `sam model init-tiny` or register one with `sam model add DIR`)"
                    : "no base model chosen: set training.base_model in config.yaml to one of "
                    + all.stream().map(p -> p.getFileName().toString()).toList());
        }
        Set<Path> tried = new LinkedHashSet<>();
        tried.add(home.baseModel(name));
        String last = name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
        if (!last.isEmpty()) {
            tried.add(home.baseModel(last));
        }
        if (Path.of(name).isAbsolute()) {
            tried.add(Path.of(name));
        }
        for (Path d : tried) {
            if (Files.isRegularFile(d.resolve("config.json"))) {
                return new Found(name, d, null);
            }
        }
        return new Found(name, null, "base model '" + name + "' not found (looked for config.json in "
                + String.join(", ", tried.stream().map(Path::toString).toList()) + ")");
    }

    private static List<Path> registered(SamHome home) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(home.baseModelsDir())) {
            s.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
