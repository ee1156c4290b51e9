package dev.sam.train.adapters;

import dev.sam.core.home.SamHome;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.model.ModelConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A base model an adapter belongs to: the name it was asked for, its directory and its config
 * ({@code SAM_HOME/models/base/<name>}, docs/formats.md "Model directory"; lookup rules in {@link BaseModelRegistry#candidates}).
 *
 * <pre>BaseModel b = BaseModel.find(home, "mlx-community/Qwen2.5-Coder-1.5B-Instruct-4bit");</pre>
 */
public record BaseModel(String name, Path dir, ModelConfig config) {

    /** The base model, or a SamException naming every place tried (or why its config.json is unusable). */
    public static BaseModel find(SamHome home, String name) {
        BaseModelRegistry registry = new BaseModelRegistry(home);
        Path dir = registry.require(name);
        return new BaseModel(name, dir, ModelConfig.load(dir.resolve("config.json")));
    }

    /** Like {@link #find} but empty when the model is absent; a broken config.json still throws. */
    public static Optional<BaseModel> lookup(SamHome home, String name) {
        return new BaseModelRegistry(home).locate(name)
                .map(dir -> new BaseModel(name, dir, ModelConfig.load(dir.resolve("config.json"))));
    }
}
