package dev.sam.train.adapters;

import dev.sam.train.model.ModelConfig;

/**
 * Size bounds of an adapter weights file. The original pipeline accepted 1 MB – 2 GB. A tiny test
 * model's adapters are a few KB, so the lower bound scales with the base model: it is the smaller of
 * 1 MB and the bytes that the tensors declared by adapter_config.json take for this base at 2 bytes
 * per parameter (fp16/bf16, the narrowest float an adapter is stored in). For a real 1.5B model with
 * rank 8 on 8 layers that is ≥ 1 MB, i.e. the original rule; for a 3-layer toy model it is a few KB,
 * which still catches empty and truncated files. Without a known base the original 1 MB applies.
 *
 * <pre>SizeRule.Bounds b = SizeRule.bounds(config, baseConfig);</pre>
 */
public final class SizeRule {
    public static final long ORIGINAL_MIN = 1_000_000L;
    public static final long MAX = 2_000_000_000L;

    private SizeRule() {
    }

    /** Inclusive bounds in bytes and how the minimum was derived. */
    public record Bounds(long min, long max, String why) {
        public boolean contains(long size) {
            return size >= min && size <= max;
        }
    }

    /** {@code config} or {@code base} may be null (unknown): then the original 1 MB floor applies. */
    public static Bounds bounds(AdapterConfig config, ModelConfig base) {
        if (config == null || base == null || config.keys() == null) {
            return new Bounds(ORIGINAL_MIN, MAX, "original 1 MB floor (base model unknown)");
        }
        long declared = LoraShapes.parameters(config, base) * 2;
        if (declared <= 0 || declared >= ORIGINAL_MIN) {
            return new Bounds(ORIGINAL_MIN, MAX, "original 1 MB floor");
        }
        return new Bounds(declared, MAX, "floor scaled to this base: " + declared / 2
                + " LoRA parameters at 2 bytes");
    }
}
