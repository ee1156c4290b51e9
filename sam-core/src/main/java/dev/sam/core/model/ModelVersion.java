package dev.sam.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One deployed adapter version, as stored in {@code versions/versions.json} (the original
 * ModelVersion dataclass plus description). Status changes go through {@link #withStatus}.
 *
 * @param version  semver with a leading v, e.g. v1.0.3
 * @param checksum SHA-256 over the adapter files (see sam-deploy's Checksums)
 */
public record ModelVersion(
        String version,
        String createdAt,
        String deployedAt,
        VersionStatus status,
        String baseModel,
        String adapterPath,
        String trainingRunId,
        int trainingSamples,
        Map<String, Object> metrics,
        String checksum,
        String description) {

    public ModelVersion {
        metrics = metrics == null ? Map.of() : Map.copyOf(TrainingRun.withoutNulls(metrics));
    }

    /** This version in a new status; {@code deployedAt} is kept unless a new one is given. */
    public ModelVersion withStatus(VersionStatus to, String newDeployedAt) {
        if (!status.canBecome(to)) {
            throw new IllegalTransitionException("version " + version, status.json(), to.json(), status.next());
        }
        return new ModelVersion(version, createdAt, newDeployedAt != null ? newDeployedAt : deployedAt, to, baseModel,
                adapterPath, trainingRunId, trainingSamples, metrics, checksum, description);
    }

    public ModelVersion withMetrics(Map<String, ?> more) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.putAll(more);
        return new ModelVersion(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId,
                trainingSamples, m, checksum, description);
    }
}
