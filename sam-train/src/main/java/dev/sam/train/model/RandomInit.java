package dev.sam.train.model;

import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;
import java.util.SplittableRandom;

/**
 * Seeded random initialization as transformers' Qwen2PreTrainedModel._init_weights does it: linear and
 * embedding weights ~ Normal(0, initializer_range = 0.02), RMSNorm weights = 1. HF zeroes the q/k/v
 * biases; SAM draws them from Normal(0, 0.02) too, so that tests exercise the bias path. Every row has
 * its own generator seeded from (seed, tensor name, row), so values do not depend on the order or
 * chunking in which rows are produced, and a row can be produced again on demand. Values are rounded
 * through the model's dtype so that a quantized model is quantized from exactly the values a
 * float16/bfloat16 model would hold.
 */
public final class RandomInit {
    public static final double STD = 0.02;

    private RandomInit() {
    }

    /** The source for one tensor of a model seeded with {@code seed}, stored as {@code dtype}. */
    public static RowSource of(ParamTensor t, long seed, Dtype dtype) {
        int cols = Math.toIntExact(t.cols());
        if (t.kind() == ParamTensor.Kind.NORM) {
            return (first, rows, dst) -> java.util.Arrays.fill(dst, 0, rows * cols, 1f);
        }
        long tensorSeed = mix(seed ^ mix(t.name().hashCode()));
        return (first, rows, dst) -> {
            for (int r = 0; r < rows; r++) {
                SplittableRandom rnd = new SplittableRandom(mix(tensorSeed + (first + r) * 0x9E3779B97F4A7C15L));
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    dst[base + c] = Halfs.roundTo(dtype, (float) (rnd.nextGaussian() * STD));
                }
            }
        };
    }

    /** SplitMix64's finalizer: spreads nearby seeds over the whole 64-bit space. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
