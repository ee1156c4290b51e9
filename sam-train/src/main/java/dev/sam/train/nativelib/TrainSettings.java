package dev.sam.train.nativelib;

/**
 * Optimizer and arena settings of a native trainer (struct sam_train_config). AdamW defaults follow
 * mlx-lm / PyTorch (betas 0.9/0.999, eps 1e-8). {@code memoryBudget} (bytes, 0: none) bounds what the
 * trainer plans (model files, adapters, optimizer, activations: {@link NativeTrainer#plan}); with a budget,
 * {@code gradCheckpoint} means "recompute when the activations do not fit" (the native AUTO), without one
 * "always recompute".
 */
public record TrainSettings(float learningRate, float beta1, float beta2, float eps, float weightDecay,
                            float gradClip, boolean cosine, int warmupSteps, int totalSteps, float minLr,
                            int maxBatch, int maxSeqLen, boolean gradCheckpoint, long seed, long memoryBudget) {

    /**
     * Settings built by name. Unset: AdamW's betas 0.9 / 0.999 and eps 1e-8, no weight decay, no clipping,
     * a constant learning rate (no warmup), gradient checkpointing on; learning rate, batch and sequence
     * bounds must be set.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Named setters over the defaults of {@link #builder()}. */
    public static final class Builder {
        private float learningRate;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float eps = 1e-8f;
        private float weightDecay;
        private float gradClip;
        private boolean cosine;
        private int warmupSteps;
        private int totalSteps;
        private float minLr;
        private int maxBatch;
        private int maxSeqLen;
        private boolean gradCheckpoint = true;
        private long seed;
        private long memoryBudget;

        private Builder() {
        }

        public Builder learningRate(double v) {
            learningRate = (float) v;
            return this;
        }

        public Builder beta1(double v) {
            beta1 = (float) v;
            return this;
        }

        public Builder beta2(double v) {
            beta2 = (float) v;
            return this;
        }

        public Builder eps(double v) {
            eps = (float) v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = (float) v;
            return this;
        }

        public Builder gradClip(double v) {
            gradClip = (float) v;
            return this;
        }

        public Builder cosine(boolean v) {
            cosine = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder totalSteps(int v) {
            totalSteps = v;
            return this;
        }

        public Builder minLr(double v) {
            minLr = (float) v;
            return this;
        }

        public Builder maxBatch(int v) {
            maxBatch = v;
            return this;
        }

        public Builder maxSeqLen(int v) {
            maxSeqLen = v;
            return this;
        }

        public Builder gradCheckpoint(boolean v) {
            gradCheckpoint = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Bytes the trainer may plan; 0 (the default): no budget. */
        public Builder memoryBudget(long bytes) {
            memoryBudget = bytes;
            return this;
        }

        public TrainSettings build() {
            return new TrainSettings(learningRate, beta1, beta2, eps, weightDecay, gradClip, cosine, warmupSteps, totalSteps, minLr, maxBatch, maxSeqLen, gradCheckpoint, seed, memoryBudget);
        }
    }

    SamTrainLibrary.TrainConfigStruct toStruct() {
        SamTrainLibrary.TrainConfigStruct s = new SamTrainLibrary.TrainConfigStruct();
        s.learning_rate = learningRate;
        s.beta1 = beta1;
        s.beta2 = beta2;
        s.eps = eps;
        s.weight_decay = weightDecay;
        s.grad_clip = gradClip;
        s.lr_schedule = cosine ? 1 : 0;
        s.warmup_steps = warmupSteps;
        s.total_steps = totalSteps;
        s.min_lr = minLr;
        s.max_batch = maxBatch;
        s.max_seq_len = maxSeqLen;
        s.grad_checkpoint = !gradCheckpoint ? 0 : memoryBudget > 0 ? 2 : 1; // 2: SAM_CKPT_AUTO
        s.seed = seed;
        s.memory_budget = memoryBudget;
        return s;
    }
}
