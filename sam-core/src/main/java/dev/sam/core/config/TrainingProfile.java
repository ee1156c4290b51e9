package dev.sam.core.config;

import java.util.List;

/**
 * One training profile (docs/user-guide.md, "Train"). {@code loraLayers} = the last N layers (-1 = all);
 * the LoRA scale is {@code alpha / rank} as mlx-lm's {@code scale}.
 */
public record TrainingProfile(
        String baseModel,
        int loraLayers,
        int rank,
        double alpha,
        double dropout,
        int batchSize,
        int gradAccum,
        double learningRate,
        String lrSchedule,
        int warmupSteps,
        double weightDecay,
        double gradClip,
        int maxSeqLength,
        int epochs,
        int maxSteps,
        boolean gradCheckpoint,
        List<String> targets,
        int checkpointEvery,
        int evalEvery,
        long seed,
        Preference dpo,
        double memoryBudgetGb) {

    /**
     * The preference (DPO) stage of a run (docs/user-guide.md, "Preference training"): {@code beta} the
     * strength of the KL anchor to the reference (TRL's default 0.1), {@code labelSmoothing} the assumed
     * share of flipped labels (conservative DPO; 0 is plain DPO), {@code reference} what the policy is
     * compared with ({@code base}: the frozen base model, the LoRA path off; {@code active}: the active
     * version's adapters), {@code epochs} passes over the training pairs.
     */
    public record Preference(double beta, double labelSmoothing, String reference, int epochs) {
        public static final List<String> REFERENCES = List.of("base", "active");

        public static Preference defaults() {
            return new Preference(0.1, 0.0, "base", 1);
        }
    }

    public TrainingProfile {
        dpo = dpo == null ? Preference.defaults() : dpo; // records written before the DPO stage existed
    }

    public static final List<String> ATTENTION_TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    public static final List<String> ALL_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /**
     * The 8 GB laptop profile of the original train_8gb.py (original-spec "Training"): the last 8 layers,
     * rank 4, alpha 8, batch 1 with 4 accumulation steps, 512 tokens.
     */
    public static TrainingProfile eightGb() {
        return builder().baseModel("Qwen2.5-Coder-1.5B-Instruct-4bit").loraLayers(8).rank(4).alpha(8).batchSize(1)
                .gradAccum(4).maxSeqLength(512).gradCheckpoint(true).memoryBudgetGb(1.75).build();
    }

    /**
     * The full profile: all layers, rank 8, batch 4 of up to 2048 tokens, within 4.5 GB planned (the fp16
     * base is 3.1 GB of it: batches of long samples run a row per pass).
     */
    public static TrainingProfile full() {
        return builder().baseModel("Qwen2.5-Coder-1.5B-Instruct").loraLayers(-1).rank(8).alpha(16).batchSize(4)
                .gradAccum(4).maxSeqLength(2048).epochs(3).gradCheckpoint(true).memoryBudgetGb(4.5).build();
    }

    /**
     * For the tiny model of {@code sam model init-tiny} (2 layers, hidden 64): adapts every layer and
     * learns fast, so a run takes seconds — for trying SAM out and for tests, not for real models.
     */
    public static TrainingProfile tiny() {
        return builder().baseModel("tiny").loraLayers(-1).rank(8).alpha(16).batchSize(4).gradAccum(1)
                .learningRate(2e-3).maxSeqLength(256).gradCheckpoint(false).checkpointEvery(50).evalEvery(50).build();
    }

    /**
     * A profile built by name; unset values are mlx-lm's LoRA defaults as SAM uses them (constant
     * learning rate 1e-4, no warmup, dropout and weight decay, gradient clip 1.0, one epoch, attention
     * projections, a checkpoint every 100 and an evaluation every 200 steps, seed 0).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this profile's values, to change some of them by name. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseModel = baseModel;
        b.loraLayers = loraLayers;
        b.rank = rank;
        b.alpha = alpha;
        b.dropout = dropout;
        b.batchSize = batchSize;
        b.gradAccum = gradAccum;
        b.learningRate = learningRate;
        b.lrSchedule = lrSchedule;
        b.warmupSteps = warmupSteps;
        b.weightDecay = weightDecay;
        b.gradClip = gradClip;
        b.maxSeqLength = maxSeqLength;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.gradCheckpoint = gradCheckpoint;
        b.targets = targets;
        b.checkpointEvery = checkpointEvery;
        b.evalEvery = evalEvery;
        b.seed = seed;
        b.dpo = dpo;
        b.memoryBudgetGb = memoryBudgetGb;
        return b;
    }

    public double scale() {
        return alpha / rank;
    }

    /** {@code memory_budget_gb} in bytes (0: no budget). */
    public long memoryBudgetBytes() {
        return Math.round(memoryBudgetGb * 1e9);
    }

    /** Problems with this profile's values, each naming its key under {@code prefix}. */
    public List<String> problems(String prefix) {
        return problems(key -> prefix + "." + key);
    }

    /**
     * Problems with this profile's values — the one place the bounds live — each naming its key as
     * {@code name} spells it (a config path, or the flag that set the value).
     */
    public List<String> problems(java.util.function.UnaryOperator<String> name) {
        var out = new java.util.ArrayList<String>();
        if (baseModel == null || baseModel.isBlank()) {
            out.add(name.apply("base_model") + " must name a base model");
        }
        if (loraLayers == 0 || loraLayers < -1) {
            out.add(name.apply("lora_layers") + " must be a positive layer count or -1 (all), got " + loraLayers);
        }
        positive(out, name.apply("rank"), rank);
        if (!(alpha > 0)) {
            out.add(name.apply("alpha") + " must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            out.add(name.apply("dropout") + " must be in [0, 1), got " + dropout);
        }
        positive(out, name.apply("batch_size"), batchSize);
        positive(out, name.apply("grad_accum"), gradAccum);
        if (!(learningRate > 0 && learningRate < 1)) {
            out.add(name.apply("learning_rate") + " must be in (0, 1), got " + learningRate);
        }
        if (!List.of("constant", "cosine").contains(lrSchedule)) {
            out.add(name.apply("lr_schedule") + " must be constant or cosine, got " + lrSchedule);
        }
        if (warmupSteps < 0) {
            out.add(name.apply("warmup_steps") + " must be >= 0, got " + warmupSteps);
        }
        if (!(weightDecay >= 0)) {
            out.add(name.apply("weight_decay") + " must be >= 0, got " + weightDecay);
        }
        if (!(gradClip >= 0)) {
            out.add(name.apply("grad_clip") + " must be >= 0 (0 disables), got " + gradClip);
        }
        if (maxSeqLength < 8 || maxSeqLength > 32768) {
            out.add(name.apply("max_seq_length") + " must be in [8, 32768], got " + maxSeqLength);
        }
        positive(out, name.apply("epochs"), epochs);
        if (maxSteps < 0) {
            out.add(name.apply("max_steps") + " must be >= 0 (0 = by epochs), got " + maxSteps);
        }
        if (targets == null || targets.isEmpty()) {
            out.add(name.apply("targets") + " must list at least one of " + ALL_TARGETS);
        } else {
            for (String t : targets) {
                if (!ALL_TARGETS.contains(t)) {
                    out.add(name.apply("targets") + ": unknown module '" + t + "', expected some of " + ALL_TARGETS);
                }
            }
        }
        positive(out, name.apply("checkpoint_every"), checkpointEvery);
        positive(out, name.apply("eval_every"), evalEvery);
        if (!(dpo.beta() > 0 && dpo.beta() <= 100)) {
            out.add(name.apply("dpo.beta") + " must be in (0, 100], got " + dpo.beta());
        }
        if (!(dpo.labelSmoothing() >= 0 && dpo.labelSmoothing() < 0.5)) {
            out.add(name.apply("dpo.label_smoothing") + " must be in [0, 0.5), got " + dpo.labelSmoothing());
        }
        if (!Preference.REFERENCES.contains(dpo.reference())) {
            out.add(name.apply("dpo.reference") + " must be one of " + Preference.REFERENCES + ", got " + dpo.reference());
        }
        positive(out, name.apply("dpo.epochs"), dpo.epochs());
        if (!(memoryBudgetGb >= 0 && memoryBudgetGb <= 4096)) {
            out.add(name.apply("memory_budget_gb") + " must be in [0, 4096] GB (0: no budget), got " + memoryBudgetGb);
        }
        return out;
    }

    private static void positive(List<String> out, String key, int value) {
        if (value <= 0) {
            out.add(key + " must be > 0, got " + value);
        }
    }

    /** Named setters over the defaults of {@link #builder()}. */
    public static final class Builder {
        private String baseModel;
        private int loraLayers = -1;
        private int rank = 8;
        private double alpha = 16;
        private double dropout;
        private int batchSize = 4;
        private int gradAccum = 1;
        private double learningRate = 1e-4;
        private String lrSchedule = "constant";
        private int warmupSteps;
        private double weightDecay;
        private double gradClip = 1.0;
        private int maxSeqLength = 512;
        private int epochs = 1;
        private int maxSteps;
        private boolean gradCheckpoint = true;
        private List<String> targets = ATTENTION_TARGETS;
        private int checkpointEvery = 100;
        private int evalEvery = 200;
        private long seed;
        private Preference dpo = Preference.defaults();
        private double memoryBudgetGb;

        private Builder() {
        }

        public Builder baseModel(String v) {
            baseModel = v;
            return this;
        }

        public Builder loraLayers(int v) {
            loraLayers = v;
            return this;
        }

        public Builder rank(int v) {
            rank = v;
            return this;
        }

        public Builder alpha(double v) {
            alpha = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder gradAccum(int v) {
            gradAccum = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder lrSchedule(String v) {
            lrSchedule = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder gradClip(double v) {
            gradClip = v;
            return this;
        }

        public Builder maxSeqLength(int v) {
            maxSeqLength = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder gradCheckpoint(boolean v) {
            gradCheckpoint = v;
            return this;
        }

        public Builder targets(List<String> v) {
            targets = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder dpo(Preference v) {
            dpo = v;
            return this;
        }

        /** The trainer's memory budget in GB (10^9 bytes; 0: none). */
        public Builder memoryBudgetGb(double v) {
            memoryBudgetGb = v;
            return this;
        }

        public TrainingProfile build() {
            return new TrainingProfile(baseModel, loraLayers, rank, alpha, dropout, batchSize, gradAccum, learningRate, lrSchedule, warmupSteps, weightDecay, gradClip, maxSeqLength, epochs, maxSteps, gradCheckpoint, targets, checkpointEvery, evalEvery, seed, dpo, memoryBudgetGb);
        }
    }
}
