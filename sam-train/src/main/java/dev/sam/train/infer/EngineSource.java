package dev.sam.train.infer;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.model.BaseModelRegistry;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which base model and which adapters {@code sam generate} and {@code sam export} use. At most
 * one adapter source: a directory, a run ({@code runs/<id>/adapters}) or a deployed version (vX.Y.Z;
 * "active" for the active one, both through the {@link VersionCatalog}). The base model: {@code --base},
 * else the one the adapters were trained on (run config, the catalog, adapter_config.json's
 * {@code model}), else config {@code training.base_model}, else the default profile's.
 *
 * <pre>EngineSource s = EngineSource.resolve(home, config, null, "20260125_100000", null, null);</pre>
 *
 * @param adaptersDir null for the base model alone
 * @param label       what was chosen, for messages: "base tiny", "run 2026...", "version v1.0.3"
 */
public record EngineSource(String baseModel, Path baseDir, Path adaptersDir, String label) {
    /** A run id, a version (vX.Y.Z) or "active": what commands taking RUN|VERSION resolve. */
    public static EngineSource ofRunOrVersion(SamHome home, SamConfig config, String runOrVersion) {
        boolean version = runOrVersion.equals(VersionCatalog.ACTIVE) || VersionCatalog.isVersion(runOrVersion);
        return resolve(home, config, null, version ? null : runOrVersion, version ? runOrVersion : null, null);
    }

    public static EngineSource resolve(SamHome home, SamConfig config, Path adapters, String runId, String version,
                                       String base) {
        int given = (adapters != null ? 1 : 0) + (runId != null ? 1 : 0) + (version != null ? 1 : 0);
        if (given > 1) {
            throw SamException.usage("give at most one of --adapters, --run and --version", null);
        }
        String trainedOn = null;
        Path dir = null;
        String label;
        if (adapters != null) {
            dir = adapters.toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw SamException.failure("adapter directory " + dir + " does not exist",
                        "give a directory with adapters.safetensors and adapter_config.json");
            }
            label = "adapters " + dir;
        } else if (runId != null) {
            RunStore.checkId(runId);
            dir = home.runDir(runId).resolve("adapters");
            Path plan = home.runDir(runId).resolve(RunStore.CONFIG_JSON);
            if (!Files.isRegularFile(dir.resolve("adapters.safetensors"))) {
                throw SamException.failure("run " + runId + " has no trained adapters (" + dir + ")",
                        "list runs and their status with `sam models`");
            }
            if (Files.isRegularFile(plan)) {
                trainedOn = readPlanBase(plan);
            }
            label = "run " + runId;
        } else if (version != null) {
            VersionCatalog catalog = VersionCatalog.read(home);
            ModelVersion mv = catalog.require(version);
            dir = catalog.verifiedAdapters(mv);
            trainedOn = catalog.baseModel(mv);
            label = "version " + mv.version();
        } else {
            label = null;
        }
        if (trainedOn == null && dir != null && Files.isRegularFile(dir.resolve("adapter_config.json"))) {
            trainedOn = AdapterConfig.load(dir).model();
        }
        String name = base != null ? base : trainedOn != null ? trainedOn : config.defaultBaseModel();
        Path baseDir = new BaseModelRegistry(home).require(name);
        return new EngineSource(name, baseDir, dir, label == null ? "base " + name : label + " on base " + name);
    }

    private static String readPlanBase(Path plan) {
        try {
            return dev.sam.core.json.Json.mapper().readValue(plan.toFile(), RunPlan.class).settings().baseModel();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
