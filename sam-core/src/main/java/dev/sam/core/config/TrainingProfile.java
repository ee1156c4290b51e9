package dev.sam.core.config;

import java.util.List;

/**
 * One training profile (DESIGN §4). {@code loraLayers} = the last N layers (-1 = all);
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
        long seed) {

    public static final List<String> ATTENTION_TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    public static final List<String> ALL_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** The 8 GB laptop profile of the original train_8gb.py. */
    public static TrainingProfile eightGb() {
        return new TrainingProfile("Qwen2.5-Coder-1.5B-Instruct-4bit", 8, 4, 8, 0.0, 1, 4, 1e-4, "constant", 0,
                0.0, 1.0, 512, 1, 0, true, ATTENTION_TARGETS, 100, 200, 0);
    }

    /** The full profile: all layers, rank 8, longer sequences. */
    public static TrainingProfile full() {
        return new TrainingProfile("Qwen2.5-Coder-1.5B-Instruct", -1, 8, 16, 0.0, 4, 4, 1e-4, "constant", 0,
                0.0, 1.0, 2048, 3, 0, true, ATTENTION_TARGETS, 100, 200, 0);
    }

    /**
     * For the tiny model of {@code sam model init-tiny} (2 layers, hidden 64): adapts every layer and
     * learns fast, so a run takes seconds — for trying SAM out and for tests, not for real models.
     */
    public static TrainingProfile tiny() {
        return new TrainingProfile("tiny", -1, 8, 16, 0.0, 4, 1, 2e-3, "constant", 0, 0.0, 1.0, 256, 1, 0, false,
                ATTENTION_TARGETS, 50, 50, 0);
    }

    public double scale() {
        return alpha / rank;
    }

    /** Problems with this profile's values, each naming its key under {@code prefix}. */
    public List<String> problems(String prefix) {
        var out = new java.util.ArrayList<String>();
        if (baseModel == null || baseModel.isBlank()) {
            out.add(prefix + ".base_model must name a base model");
        }
        if (loraLayers == 0 || loraLayers < -1) {
            out.add(prefix + ".lora_layers must be a positive layer count or -1 (all), got " + loraLayers);
        }
        positive(out, prefix + ".rank", rank);
        if (!(alpha > 0)) {
            out.add(prefix + ".alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            out.add(prefix + ".dropout must be in [0, 1), got " + dropout);
        }
        positive(out, prefix + ".batch_size", batchSize);
        positive(out, prefix + ".grad_accum", gradAccum);
        if (!(learningRate > 0 && learningRate < 1)) {
            out.add(prefix + ".learning_rate must be in (0, 1), got " + learningRate);
        }
        if (!List.of("constant", "cosine").contains(lrSchedule)) {
            out.add(prefix + ".lr_schedule must be constant or cosine, got " + lrSchedule);
        }
        if (warmupSteps < 0) {
            out.add(prefix + ".warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (!(weightDecay >= 0)) {
            out.add(prefix + ".weight_decay must be >= 0, got " + weightDecay);
        }
        if (!(gradClip >= 0)) {
            out.add(prefix + ".grad_clip must be >= 0 (0 disables), got " + gradClip);
        }
        if (maxSeqLength < 8 || maxSeqLength > 32768) {
            out.add(prefix + ".max_seq_length must be in [8, 32768], got " + maxSeqLength);
        }
        positive(out, prefix + ".epochs", epochs);
        if (maxSteps < 0) {
            out.add(prefix + ".max_steps must be >= 0 (0 = by epochs), got " + maxSteps);
        }
        if (targets == null || targets.isEmpty()) {
            out.add(prefix + ".targets must list at least one of " + ALL_TARGETS);
        } else {
            for (String t : targets) {
                if (!ALL_TARGETS.contains(t)) {
                    out.add(prefix + ".targets: unknown module '" + t + "', expected some of " + ALL_TARGETS);
                }
            }
        }
        positive(out, prefix + ".checkpoint_every", checkpointEvery);
        positive(out, prefix + ".eval_every", evalEvery);
        return out;
    }

    private static void positive(List<String> out, String key, int value) {
        if (value <= 0) {
            out.add(key + " must be > 0, got " + value);
        }
    }
}
