package dev.sam.train.run;

/**
 * What the user asked for: a profile (null: config's default) and flags that override it (null: not
 * given), whether to train below the sample threshold ({@code sam force}), or a run to resume (then
 * the run's saved settings are used and no overrides are allowed).
 *
 * <pre>TrainRequest r = TrainRequest.builder().profile("8gb").epochs(2).force(true).build();</pre>
 */
public record TrainRequest(String profile, Integer epochs, Double learningRate, Integer maxSeqLength,
                           Integer batchSize, Integer gradAccum, Integer maxSteps, String baseModel, Long seed,
                           boolean force, String resumeRunId, String method) {
    /** {@code --method}: supervised only, preference (DPO) only, or both stages; null: both when pairs exist. */
    public static final java.util.List<String> METHODS = java.util.List.of("sft", "dpo", "sft+dpo");

    public static TrainRequest profile(String name) {
        return builder().profile(name).build();
    }

    public static TrainRequest resume(String runId) {
        return builder().resumeRunId(runId).build();
    }

    /** A request built by name: everything unset (the profile's values, no force, no resume). */
    public static Builder builder() {
        return new Builder();
    }

    public TrainRequest withForce(boolean f) {
        return toBuilder().force(f).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.epochs = epochs;
        b.learningRate = learningRate;
        b.maxSeqLength = maxSeqLength;
        b.batchSize = batchSize;
        b.gradAccum = gradAccum;
        b.maxSteps = maxSteps;
        b.baseModel = baseModel;
        b.seed = seed;
        b.force = force;
        b.resumeRunId = resumeRunId;
        b.method = method;
        return b;
    }

    /** True when any setting flag was given (not allowed with --resume). */
    public boolean hasOverrides() {
        return profile != null || method != null || epochs != null || learningRate != null || maxSeqLength != null || batchSize != null
                || gradAccum != null || maxSteps != null || baseModel != null || seed != null;
    }

    /** Named setters; null leaves a setting to the profile. */
    public static final class Builder {
        private String profile;
        private Integer epochs;
        private Double learningRate;
        private Integer maxSeqLength;
        private Integer batchSize;
        private Integer gradAccum;
        private String method;
        private Integer maxSteps;
        private String baseModel;
        private Long seed;
        private boolean force;
        private String resumeRunId;

        private Builder() {
        }

        public Builder profile(String v) {
            profile = v;
            return this;
        }

        public Builder epochs(Integer v) {
            epochs = v;
            return this;
        }

        public Builder learningRate(Double v) {
            learningRate = v;
            return this;
        }

        public Builder maxSeqLength(Integer v) {
            maxSeqLength = v;
            return this;
        }

        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        public Builder gradAccum(Integer v) {
            gradAccum = v;
            return this;
        }

        public Builder maxSteps(Integer v) {
            maxSteps = v;
            return this;
        }

        public Builder baseModel(String v) {
            baseModel = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder force(boolean v) {
            force = v;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder resumeRunId(String v) {
            resumeRunId = v;
            return this;
        }

        public TrainRequest build() {
            return new TrainRequest(profile, epochs, learningRate, maxSeqLength, batchSize, gradAccum, maxSteps, baseModel, seed, force, resumeRunId, method);
        }
    }
}
