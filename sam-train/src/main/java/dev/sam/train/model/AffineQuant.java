package dev.sam.train.model;

import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;

/**
 * MLX affine quantization of one row, as mlx's CPU kernel computes it (mlx/backend/cpu/quantized.cpp
 * {@code quantize}, the same math as the {@code affine_quantize} fallback in mlx/ops.cpp), in float32:
 * <pre>
 *   per group of groupSize values along the row (the input dimension):
 *   scale = max((max - min) / (2^bits - 1), 1e-7), negated unless |min| > |max|
 *   edge  = |min| > |max| ? min : max          // the larger-magnitude end
 *   q0    = rint(edge / scale)
 *   if q0 != 0: scale = edge / q0, bias = edge  // edge is exactly representable as q = 0
 *   else      : bias = 0
 *   q     = clamp(rint((w - bias) / scale), 0, 2^bits - 1)
 * </pre>
 * Dequantization is {@code w = scale * q + bias}; scales may be negative. Packing: the row's values
 * form one little-endian bit stream, value e at bits [bits*e, bits*(e+1)) — for 2/4/8 bits that is
 * "element j of a uint32 at bits [bits*j, bits*(j+1)), lowest first"; for 3/5/6 bits it is MLX's byte
 * packing (8, 8 and 4 values in 3, 5 and 3 bytes).
 *
 * <pre>AffineQuant.quantizeRow(w, 0, cols, p, words, 0, scales, biases, 0);</pre>
 */
public final class AffineQuant {
    private static final float EPS = 1e-7f;

    private AffineQuant() {
    }

    /**
     * Which scale and bias the values are rounded against. MLX quantizes against the float32 scale and
     * bias and only then casts them to the stored dtype; STORED quantizes against the stored (e.g. fp16)
     * scale and bias, which is never worse after dequantization and is what the qwen2-tiny fixture does.
     * The two differ only for values within an fp16 rounding error of a rounding boundary.
     */
    public enum Rounding { MLX, STORED }

    /** Bits, group size, the dtype scales and biases are stored in, and the rounding reference. */
    public record Params(int bits, int groupSize, Dtype scaleDtype, Rounding rounding) {
        public Params {
            if (!dev.sam.train.model.Quantization.supportedBits(bits)
                    || !dev.sam.train.model.Quantization.supportedGroupSize(groupSize)) {
                throw new IllegalArgumentException("unsupported bits " + bits + " / group size " + groupSize);
            }
            if (scaleDtype != Dtype.F16 && scaleDtype != Dtype.BF16 && scaleDtype != Dtype.F32) {
                throw new IllegalArgumentException("scales must be F16, BF16 or F32, not " + scaleDtype);
            }
        }

        public static Params mlx(int bits, int groupSize) {
            return new Params(bits, groupSize, Dtype.F16, Rounding.MLX);
        }

        public int maxQ() {
            return (1 << bits) - 1;
        }
    }

    /** uint32 words per row of {@code cols} values ({@code cols} must be a multiple of 32). */
    public static int wordsPerRow(long cols, int bits) {
        return Math.toIntExact(cols * bits / 32);
    }

    /**
     * Quantizes {@code src[srcOff .. srcOff+cols)} into {@code words[wOff ..]} (wordsPerRow words, overwritten)
     * and {@code cols/groupSize} scales and biases at {@code sOff}, given as the stored values (already rounded
     * to the scale dtype). Returns false if the row holds a NaN or an infinity (nothing sensible to store).
     */
    public static boolean quantizeRow(float[] src, int srcOff, int cols, Params p, int[] words, int wOff,
                                      float[] scales, float[] biases, int sOff) {
        int g = p.groupSize();
        float nBins = p.maxQ();
        java.util.Arrays.fill(words, wOff, wOff + wordsPerRow(cols, p.bits()), 0);
        for (int k = 0; k < cols / g; k++) {
            int base = srcOff + k * g;
            float wMin = Float.POSITIVE_INFINITY;
            float wMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < g; j++) {
                float v = src[base + j];
                if (!Float.isFinite(v)) {
                    return false;
                }
                wMax = Math.max(wMax, v);
                wMin = Math.min(wMin, v);
            }
            boolean mask = Math.abs(wMin) > Math.abs(wMax);
            float scale = Math.max((wMax - wMin) / nBins, EPS);
            scale = mask ? scale : -scale;
            float edge = mask ? wMin : wMax;
            float q0 = (float) Math.rint(edge / scale);
            float bias = 0f;
            if (q0 != 0f) {
                scale = edge / q0;
                bias = edge;
            }
            float storedScale = Halfs.roundTo(p.scaleDtype(), scale);
            float storedBias = Halfs.roundTo(p.scaleDtype(), bias);
            if (p.rounding() == Rounding.STORED) {
                scale = storedScale;
                bias = storedBias;
            }
            scales[sOff + k] = storedScale;
            biases[sOff + k] = storedBias;
            for (int j = 0; j < g; j++) {
                float q = (float) Math.rint((src[base + j] - bias) / scale);
                q = Math.min(Math.max(q, 0f), nBins);
                put(words, wOff, k * g + j, p.bits(), (int) q);
            }
        }
        return true;
    }

    /** Dequantizes one row: {@code dst[dOff + e] = scale * q_e + bias} (float32, as mlx since #4241). */
    public static void dequantizeRow(int[] words, int wOff, float[] scales, float[] biases, int sOff, int cols,
                                     int groupSize, int bits, float[] dst, int dOff) {
        for (int e = 0; e < cols; e++) {
            int k = e / groupSize;
            dst[dOff + e] = scales[sOff + k] * get(words, wOff, e, bits) + biases[sOff + k];
        }
    }

    /** Value {@code e} of the bit stream that starts at {@code words[wOff]}. */
    public static int get(int[] words, int wOff, int e, int bits) {
        long bit = (long) e * bits;
        int w = wOff + (int) (bit >>> 5);
        int shift = (int) (bit & 31);
        long v = Integer.toUnsignedLong(words[w]) >>> shift;
        if (shift + bits > 32) {
            v |= Integer.toUnsignedLong(words[w + 1]) << (32 - shift);
        }
        return (int) (v & ((1 << bits) - 1));
    }

    static void put(int[] words, int wOff, int e, int bits, int value) {
        long bit = (long) e * bits;
        int w = wOff + (int) (bit >>> 5);
        int shift = (int) (bit & 31);
        words[w] |= value << shift;
        if (shift + bits > 32) {
            words[w + 1] |= value >>> (32 - shift);
        }
    }
}
