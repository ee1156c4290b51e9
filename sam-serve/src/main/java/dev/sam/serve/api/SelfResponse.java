package dev.sam.serve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.core.status.PipelineStatus;
import java.util.List;

/**
 * {@code GET /api/self}, the original SAM's shape (original spec, "API Integration"): success,
 * explanation, status, distillation and training_stats with exactly the original's keys. Keys are
 * always present; a value that does not exist yet (no run, no deployment) is null. {@code cycle} (SAM's
 * addition): the last {@code sam cycle} and the samples new since its last blessed run.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SelfResponse(boolean success, String explanation, Status status, Distillation distillation,
                           TrainingStats trainingStats, PipelineStatus.Cycle cycle) {

    /** This server: where it listens, since when, what it serves and with which engine. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Status(String server, String url, String startedAt, long uptimeSeconds, String engine,
                         Serving serving, boolean autoRollback, List<String> warnings) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Serving(String active, String canary, int canaryTraffic, String baseModel, String problem) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Distillation(long distilledSamples, long preferencePairs) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TrainingStats(String modelVersion, String deployedAt, LastTraining lastTraining,
                                TrainingData trainingData, Deployment deployment) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LastTraining(String runId, int samplesCount, String status) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TrainingData(long totalSamples, int minForTraining, boolean readyToTrain, long distilledSamples) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Deployment(int totalVersions, boolean rollbackAvailable, boolean canaryActive) {
    }
}
