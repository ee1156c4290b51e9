package dev.sam.train.runs;

import dev.sam.core.home.SamHome;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.core.store.RunRepository;
import dev.sam.core.store.VersionsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runs for {@code sam models}, newest first, with their metrics and deployments.
 *
 * <pre>List&lt;RunInfo&gt; runs = new RunCatalog(home, db).list();</pre>
 */
public final class RunCatalog {
    private final SamHome home;
    private final Database db;

    public RunCatalog(SamHome home, Database db) {
        this.home = home;
        this.db = db;
    }

    public List<RunInfo> list() {
        List<ModelVersion> versions;
        try {
            versions = new VersionsFile(home).read();
        } catch (RuntimeException e) {
            versions = List.of();
        }
        List<RunInfo> out = new ArrayList<>();
        for (TrainingRun r : new RunRepository(db).list()) {
            Map<String, Object> m = r.metrics();
            Path adapters = home.runDir(r.runId()).resolve("adapters");
            List<String> deployed = versions.stream().filter(v -> r.runId().equals(v.trainingRunId()))
                    .map(ModelVersion::version).toList();
            out.add(new RunInfo(r.runId(), r.status().json(), r.startTime(), r.endTime(), r.baseModel(), r.profile(),
                    r.samplesCount(), m.get("steps") instanceof Number n ? n.longValue() : null, d(m, "train_loss"),
                    d(m, "val_loss"), d(m, "perplexity"), m.get("blessed") instanceof Boolean b ? b : null,
                    Files.isRegularFile(adapters.resolve("adapters.safetensors")) ? adapters.toString() : null,
                    deployed, r.error()));
        }
        return out;
    }

    private static Double d(Map<String, Object> m, String k) {
        return m.get(k) instanceof Number n ? n.doubleValue() : null;
    }
}
