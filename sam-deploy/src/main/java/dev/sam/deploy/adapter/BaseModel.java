package dev.sam.deploy.adapter;

import dev.sam.core.home.SamHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A base model directory ({@code SAM_HOME/models/base/<name>}, DESIGN §2) and its dimensions.
 *
 * <pre>BaseModel b = BaseModel.find(home, "Qwen/Qwen2.5-Coder-1.5B-Instruct");</pre>
 */
public record BaseModel(String name, Path dir, BaseModelConfig config) {

    /**
     * Looks {@code name} up as {@code models/base/<name>}, then {@code models/base/<last segment>}
     * (trainers often record a hub id such as {@code mlx-community/Qwen2.5-Coder-1.5B-Instruct-4bit}),
     * then as a directory path. The IOException's message names every place that was tried.
     */
    public static BaseModel find(SamHome home, String name) throws IOException {
        Set<Path> tried = new LinkedHashSet<>();
        tried.add(home.baseModel(name));
        String last = name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
        if (!last.isEmpty()) {
            tried.add(home.baseModel(last));
        }
        Path asPath = Path.of(name);
        if (asPath.isAbsolute()) {
            tried.add(asPath);
        }
        List<String> where = new ArrayList<>();
        for (Path dir : tried) {
            Path cfg = dir.resolve("config.json");
            if (Files.isRegularFile(cfg)) {
                return new BaseModel(name, dir, BaseModelConfig.read(cfg));
            }
            where.add(dir.toString());
        }
        throw new IOException("base model '" + name + "' not found (looked for config.json in "
                + String.join(", ", where) + ")");
    }
}
