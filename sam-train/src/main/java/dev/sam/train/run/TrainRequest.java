package dev.sam.train.run;

/**
 * What the user asked for: a profile (null: config's default) and flags that override it (null: not
 * given), whether to train below the sample threshold ({@code sam force}), or a run to resume (then
 * the run's saved settings are used and no overrides are allowed).
 *
 * <pre>TrainRequest r = TrainRequest.profile("8gb").withForce(true);</pre>
 */
public record TrainRequest(String profile, Integer epochs, Double learningRate, Integer maxSeqLength,
                           Integer batchSize, Integer gradAccum, Integer maxSteps, String baseModel, Long seed,
                           boolean force, String resumeRunId) {

    public static TrainRequest profile(String name) {
        return new TrainRequest(name, null, null, null, null, null, null, null, null, false, null);
    }

    public static TrainRequest resume(String runId) {
        return new TrainRequest(null, null, null, null, null, null, null, null, null, false, runId);
    }

    public TrainRequest withForce(boolean f) {
        return new TrainRequest(profile, epochs, learningRate, maxSeqLength, batchSize, gradAccum, maxSteps, baseModel,
                seed, f, resumeRunId);
    }

    /** True when any setting flag was given (not allowed with --resume). */
    public boolean hasOverrides() {
        return profile != null || epochs != null || learningRate != null || maxSeqLength != null || batchSize != null
                || gradAccum != null || maxSteps != null || baseModel != null || seed != null;
    }
}
