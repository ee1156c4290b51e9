package dev.sam.core.status;

import dev.sam.core.cycle.CycleState;
import dev.sam.core.cycle.CycleStateFile;
import dev.sam.core.cycle.DataMark;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.BaseModelLocation;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.model.Manifest;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import dev.sam.core.store.RunRepository;
import dev.sam.core.store.VersionCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link PipelineStatus} from the manifest, the run table and the version store. Reads only.
 *
 * <pre>PipelineStatus s = new StatusService(home, config, db).status();</pre>
 */
public final class StatusService {
    /** The status shown for a run whose process died while it was training. */
    public static final String INTERRUPTED = "interrupted";

    private final SamHome home;
    private final SamConfig config;
    private final Database db;

    public StatusService(SamHome home, SamConfig config, Database db) {
        this.home = home;
        this.config = config;
        this.db = db;
    }

    private PipelineStatus.Cycle cycle(Manifest m) {
        CycleState c = new CycleStateFile(home.cycleState()).read();
        DataMark now = DataMark.of(m);
        CycleState.Outcome o = c.last();
        return new PipelineStatus.Cycle(now.newSamplesSince(c.blessedMark()), now.newPairsSince(c.blessedMark()),
                c.blessedRun(), o == null ? null : o.at(), o == null ? null : o.outcome(),
                o == null ? null : o.message(), o == null ? null : o.nextStep());
    }

    /** The base model `sam train` would use; null when the default profile is unknown (config reports it). */
    private String baseModel() {
        try {
            return config.defaultBaseModel();
        } catch (dev.sam.core.SamException e) {
            return null;
        }
    }

    /**
     * The run as recorded, except that a run recorded as {@code training} whose process no longer holds
     * the train lock (killed with SIGKILL, power loss: nothing could record the end) is shown as
     * {@value #INTERRUPTED}, with how to continue it. Only the display changes; {@code sam train --resume}
     * records the transition.
     */
    private PipelineStatus.LastTraining lastTraining(TrainingRun r) {
        if (r.status() == RunStatus.TRAINING && !ProcessLock.isHeld(home.lockFile("train"))) {
            return new PipelineStatus.LastTraining(r.runId(), INTERRUPTED, r.samplesCount(), r.startTime(), null,
                    "its process is gone (killed?) without recording an end; `sam train --resume " + r.runId()
                            + "` continues from its last checkpoint", r.metrics());
        }
        return new PipelineStatus.LastTraining(r.runId(), r.status().json(), r.samplesCount(), r.startTime(),
                r.endTime(), r.error(), r.metrics());
    }

    public PipelineStatus status() {
        List<String> warnings = new ArrayList<>();
        if (home.models().warning() != null) {
            warnings.add(home.models().warning());
        }
        Manifest m = new ManifestFile(home.manifest()).read();
        Map<String, Long> bySource = new LinkedHashMap<>();
        for (String s : SamHome.SOURCES) {
            bySource.put(s, m.samples(s));
        }
        m.sources().forEach((k, v) -> bySource.putIfAbsent(k, v.samples()));
        long total = bySource.values().stream().mapToLong(Long::longValue).sum();
        int min = config.training().minSamples();
        String base = baseModel();
        boolean found = base != null && BaseModelLocation.locate(home, base).isPresent();
        var data = new PipelineStatus.TrainingData(total, min, total >= min && found, m.distilledSamples(),
                m.preferencePairs(), bySource, m.updatedAt(), base, found);

        PipelineStatus.LastTraining last = new RunRepository(db).latest().map(this::lastTraining).orElse(null);

        VersionCatalog catalog = VersionCatalog.read(home);
        List<ModelVersion> versions = catalog.versions();
        ModelVersion active = catalog.active().orElse(null);
        ModelVersion canary = catalog.canary().orElse(null);
        boolean rollback = VersionCatalog.rollbackTarget(versions).isPresent();
        var deployment = new PipelineStatus.Deployment(versions.size(), rollback, canary != null,
                canary == null ? null : canary.version(), canary == null ? null : canary.canaryTraffic());

        return new PipelineStatus(home.root().toString(), data, last, active == null ? null : active.version(),
                active == null ? null : active.deployedAt(), deployment, home.versionsDir().toString(), warnings,
                cycle(m));
    }
}
