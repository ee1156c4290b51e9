package dev.sam.core.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code sam status} reports (and {@code /api/self}'s training_stats is built from).
 * Field names are the JSON keys (snake_case) that scripts read; they only ever grow.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PipelineStatus(
        String samHome,
        TrainingData trainingData,
        LastTraining lastTraining,
        String modelVersion,
        String deployedAt,
        Deployment deployment,
        String modelsDir,
        List<String> warnings,
        Cycle cycle) {

    /**
     * Samples on disk, per source, and whether a run may start: {@code readyToTrain} needs enough samples
     * and the base model {@code sam train} would use ({@code baseModel}) to be registered
     * ({@code baseModelFound}).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TrainingData(long totalSamples, int minForTraining, boolean readyToTrain, long distilledSamples,
                               long preferencePairs, Map<String, Long> bySource, String lastCollect,
                               String baseModel, boolean baseModelFound) {
        /** Enough samples for a run without {@code sam force}. */
        public boolean enoughSamples() {
            return totalSamples >= minForTraining;
        }
    }

    /** The newest run; null when there was none. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LastTraining(String runId, String status, int samplesCount, String startTime, String endTime,
                               String error, Map<String, Object> metrics) {
    }

    /** Version store summary. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Deployment(int totalVersions, boolean rollbackAvailable, boolean canaryActive,
                             String canaryVersion, Integer canaryTraffic) {
    }

    /**
     * {@code sam cycle}: samples (and preference pairs) collected since its last blessed run, that run, and
     * the last cycle's time, outcome and next step (null when no cycle has finished yet).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Cycle(long newSamples, long newPreferencePairs, String blessedRun, String lastAt,
                        String lastOutcome, String lastMessage, String nextStep) {
    }
}
