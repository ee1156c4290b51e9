package dev.sam.train.eval;

import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.VersionCatalog;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.RunStore;
import java.nio.file.Path;

/**
 * What {@code sam eval RUN|VERSION} evaluates: a run's adapters ({@code runs/<id>/adapters}, its base
 * model and settings from config.json) or a deployed version's ({@code versions/vX.Y.Z/adapters}, base
 * model from the {@link VersionCatalog}, else the configured default).
 *
 * @param run  the run (null for a version)
 * @param plan the run's settings (null for a version)
 */
public record EvalTarget(String kind, String id, Path adaptersDir, String baseModel, TrainingRun run, RunPlan plan,
                         int maxSeqLength) {

    public static EvalTarget resolve(SamHome home, SamConfig config, RunStore store, String runOrVersion) {
        if (VersionCatalog.isVersion(runOrVersion)) {
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
        VersionCatalog catalog = VersionCatalog.read(home);
        ModelVersion v = catalog.require(version);
        Path adapters = catalog.adapters(v);
        String base = catalog.baseModel(v);
        if (base == null) {
            base = config.defaultBaseModel();
        }
        int maxSeq = config.profile(config.training().defaultProfile()).maxSeqLength();
        return new EvalTarget("version", version, adapters, base, null, null, maxSeq);
    }
}
