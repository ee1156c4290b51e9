package dev.sam.train.nativelib;

/**
 * Optimizer and arena settings of a native trainer (struct sam_train_config). AdamW defaults follow
 * mlx-lm / PyTorch (betas 0.9/0.999, eps 1e-8).
 */
public record TrainSettings(float learningRate, float beta1, float beta2, float eps, float weightDecay,
                            float gradClip, boolean cosine, int warmupSteps, int totalSteps, float minLr,
                            int maxBatch, int maxSeqLen, boolean gradCheckpoint, long seed) {

    public static TrainSettings of(double lr, int maxBatch, int maxSeqLen, long seed) {
        return new TrainSettings((float) lr, 0.9f, 0.999f, 1e-8f, 0f, 0f, false, 0, 0, 0f, maxBatch, maxSeqLen,
                true, seed);
    }

    public TrainSettings withGradCheckpoint(boolean on) {
        return new TrainSettings(learningRate, beta1, beta2, eps, weightDecay, gradClip, cosine, warmupSteps,
                totalSteps, minLr, maxBatch, maxSeqLen, on, seed);
    }

    public TrainSettings withSchedule(boolean cosineDecay, int warmup, int total, float min) {
        return new TrainSettings(learningRate, beta1, beta2, eps, weightDecay, gradClip, cosineDecay, warmup, total,
                min, maxBatch, maxSeqLen, gradCheckpoint, seed);
    }

    public TrainSettings withRegularization(float decay, float clip) {
        return new TrainSettings(learningRate, beta1, beta2, eps, decay, clip, cosine, warmupSteps, totalSteps, minLr,
                maxBatch, maxSeqLen, gradCheckpoint, seed);
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
        s.grad_checkpoint = gradCheckpoint ? 1 : 0;
        s.seed = seed;
        return s;
    }
}
