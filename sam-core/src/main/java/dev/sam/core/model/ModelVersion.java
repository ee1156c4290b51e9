package dev.sam.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One deployed adapter version, as stored in {@code versions/versions.json} (the original
 * ModelVersion dataclass plus description). Status changes go through {@link #withStatus}.
 *
 * @param version       semver with a leading v, e.g. v1.0.3
 * @param checksum      SHA-256 over the adapter files (see sam-deploy's Checksums)
 * @param metrics       the run's and evaluation's numbers, without the canary share
 * @param canaryTraffic a canary's share of requests in percent (1–99), null otherwise. versions.json keeps
 *                      it where the original tools read it, as {@code metrics.canary_traffic}; this record is
 *                      the only place that maps the key (docs/formats.md)
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
        String description,
        Integer canaryTraffic) {
    /** The key of the canary share inside {@code metrics} in versions.json. */
    public static final String CANARY_TRAFFIC_KEY = "canary_traffic";

    public ModelVersion {
        Map<String, Object> m = new LinkedHashMap<>(metrics == null ? Map.of() : TrainingRun.withoutNulls(metrics));
        Object stored = m.remove(CANARY_TRAFFIC_KEY);
        if (canaryTraffic == null && stored instanceof Number n) {
            canaryTraffic = n.intValue();
        }
        metrics = Map.copyOf(m);
    }

    /** A version whose canary share, if any, is still inside {@code metrics} (as read from versions.json). */
    public ModelVersion(String version, String createdAt, String deployedAt, VersionStatus status, String baseModel,
                        String adapterPath, String trainingRunId, int trainingSamples, Map<String, Object> metrics,
                        String checksum, String description) {
        this(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId, trainingSamples, metrics,
                checksum, description, null);
    }

    @JsonCreator
    static ModelVersion fromFile(@JsonProperty("version") String version, @JsonProperty("created_at") String createdAt,
                                 @JsonProperty("deployed_at") String deployedAt,
                                 @JsonProperty("status") VersionStatus status,
                                 @JsonProperty("base_model") String baseModel,
                                 @JsonProperty("adapter_path") String adapterPath,
                                 @JsonProperty("training_run_id") String trainingRunId,
                                 @JsonProperty("training_samples") int trainingSamples,
                                 @JsonProperty("metrics") Map<String, Object> metrics,
                                 @JsonProperty("checksum") String checksum,
                                 @JsonProperty("description") String description) {
        return new ModelVersion(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId,
                trainingSamples, metrics, checksum, description, null);
    }

    /** What versions.json holds: the original dataclass's keys, the canary share inside {@code metrics}. */
    @JsonValue
    FileForm fileForm() {
        return new FileForm(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId,
                trainingSamples, fileMetrics(), checksum, description);
    }

    record FileForm(String version, String createdAt, String deployedAt, VersionStatus status, String baseModel,
                    String adapterPath, String trainingRunId, int trainingSamples, Map<String, Object> metrics,
                    String checksum, String description) {
    }

    /** {@code metrics} as versions.json holds them: with the canary share under {@value #CANARY_TRAFFIC_KEY}. */
    public Map<String, Object> fileMetrics() {
        if (canaryTraffic == null) {
            return metrics;
        }
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.put(CANARY_TRAFFIC_KEY, canaryTraffic);
        return m;
    }

    /** This version in a new status; {@code deployedAt} is kept unless a new one is given. */
    public ModelVersion withStatus(VersionStatus to, String newDeployedAt) {
        if (!status.canBecome(to)) {
            throw new IllegalTransitionException("version " + version, status.json(), to.json(), status.next());
        }
        return new ModelVersion(version, createdAt, newDeployedAt != null ? newDeployedAt : deployedAt, to, baseModel,
                adapterPath, trainingRunId, trainingSamples, metrics, checksum, description, canaryTraffic);
    }

    public ModelVersion withMetrics(Map<String, ?> more) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.putAll(more);
        return new ModelVersion(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId,
                trainingSamples, m, checksum, description, canaryTraffic);
    }

    /** This version with a canary share in percent, or none (null) once it is no longer a canary. */
    public ModelVersion withCanaryTraffic(Integer percent) {
        return new ModelVersion(version, createdAt, deployedAt, status, baseModel, adapterPath, trainingRunId,
                trainingSamples, metrics, checksum, description, percent);
    }
}
