package dev.sam.train.eval;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.VersionsFile;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.run.RunPlan;
import dev.sam.train.run.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code sam eval RUN|VERSION} evaluates: a run's adapters ({@code runs/<id>/adapters}, its base
 * model and settings from config.json) or a deployed version's ({@code versions/vX.Y.Z/adapters}, base
 * model from versions.json, else adapter_config.json's {@code model}, else the configured default).
 *
 * @param run  the run (null for a version)
 * @param plan the run's settings (null for a version)
 */
public record EvalTarget(String kind, String id, Path adaptersDir, String baseModel, TrainingRun run, RunPlan plan,
                         int maxSeqLength) {

    public static EvalTarget resolve(SamHome home, SamConfig config, RunStore store, String runOrVersion) {
        if (dev.sam.train.infer.EngineSource.isVersion(runOrVersion)) {
            return version(home, config, runOrVersion);
        }
        RunStore.checkId(runOrVersion);
        return run(home, store, runOrVersion);
    }

    public static EvalTarget run(SamHome home, RunStore store, String runId) {
        TrainingRun run = store.require(runId);
        RunPlan plan = store.readPlan(runId);
        Path adapters = home.runDir(runId).resolve("adapters");
        return new EvalTarget("run", runId, adapters, plan.settings().baseModel(), run, plan,
                plan.settings().maxSeqLength());
    }

    static EvalTarget version(SamHome home, SamConfig config, String version) {
        List<ModelVersion> all = new VersionsFile(home).read();
        ModelVersion v = all.stream().filter(x -> x.version().equals(version)).findFirst().orElseThrow(() ->
                SamException.failure("no version " + version + " in " + home.versionsJson(),
                        "list versions with `sam list`"));
        Path adapters = v.adapterPath() != null ? Path.of(v.adapterPath()) : home.versionDir(version).resolve("adapters");
        String base = v.baseModel();
        if (base == null && Files.isRegularFile(adapters.resolve("adapter_config.json"))) {
            base = AdapterConfig.load(adapters).model();
        }
        if (base == null) {
            base = config.training().baseModel() != null ? config.training().baseModel()
                    : config.profile(config.training().defaultProfile()).baseModel();
        }
        int maxSeq = config.profile(config.training().defaultProfile()).maxSeqLength();
        return new EvalTarget("version", version, adapters, base, null, null, maxSeq);
    }
}
