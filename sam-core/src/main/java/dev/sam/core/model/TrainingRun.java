package dev.sam.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training run (the original's TrainingRun dataclass plus end_time, profile and error).
 * Immutable; status changes go through {@link #withStatus}, which enforces {@link RunStatus#next()}.
 *
 * @param runId   YYYYMMDD_HHMMSS
 * @param metrics train_loss, val_loss, perplexity, steps, tokens, tokens_per_s, peak_rss, blessed, ...
 */
public record TrainingRun(
        String runId,
        String startTime,
        String endTime,
        int samplesCount,
        String baseModel,
        String profile,
        RunStatus status,
        Map<String, Object> metrics,
        String outputPath,
        String error) {

    public TrainingRun {
        metrics = metrics == null ? Map.of() : Map.copyOf(withoutNulls(metrics));
    }

    public static TrainingRun pending(String runId, String startTime, int samples, String baseModel,
                                      String profile, String outputPath) {
        return new TrainingRun(runId, startTime, null, samples, baseModel, profile, RunStatus.PENDING, Map.of(),
                outputPath, null);
    }

    /** This run in a new status; {@code endTime} and {@code error} may be null. */
    public TrainingRun withStatus(RunStatus to, String endTime, String error) {
        if (!status.canBecome(to)) {
            throw new IllegalTransitionException("run " + runId, status.json(), to.json(), status.next());
        }
        return new TrainingRun(runId, startTime, endTime, samplesCount, baseModel, profile, to, metrics, outputPath,
                error);
    }

    /** This run with {@code more} merged into its metrics. */
    public TrainingRun withMetrics(Map<String, ?> more) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        m.putAll(more);
        return new TrainingRun(runId, startTime, endTime, samplesCount, baseModel, profile, status, m, outputPath,
                error);
    }

    public TrainingRun withSamplesCount(int samples) {
        return new TrainingRun(runId, startTime, endTime, samples, baseModel, profile, status, metrics, outputPath,
                error);
    }

    static Map<String, Object> withoutNulls(Map<String, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
