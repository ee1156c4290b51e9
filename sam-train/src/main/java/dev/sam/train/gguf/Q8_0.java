package dev.sam.train.gguf;

import dev.sam.train.safetensors.Halfs;
import java.nio.ByteBuffer;

/**
 * ggml's reference Q8_0 quantization ({@code quantize_row_q8_0_ref} in ggml-quants.c, and gguf-py's
 * {@code quants.Q8_0}): per block of 32 values, {@code d = max|x| / 127}, {@code q = roundf(x / d)}
 * (round half away from zero; 0 when d is 0), d stored as fp16 — the scale is rounded after the values
 * were quantized against the float32 d, as ggml does.
 */
public final class Q8_0 {
    public static final int BLOCK = 32;

    private Q8_0() {
    }

    /** Appends the blocks of {@code x[off .. off+n)} ({@code n} a multiple of 32) to {@code out}. */
    public static void quantize(float[] x, int off, int n, ByteBuffer out) {
        for (int b = off; b < off + n; b += BLOCK) {
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(Halfs.floatToHalf(d));
            for (int j = 0; j < BLOCK; j++) {
                out.put((byte) roundf(x[b + j] * id));
            }
        }
    }

    /** Dequantizes {@code n} values from {@code in} (d · q per block) into {@code dst[off ..]}. */
    public static void dequantize(ByteBuffer in, int n, float[] dst, int off) {
        for (int b = 0; b < n; b += BLOCK) {
            float d = Halfs.halfToFloat(in.getShort());
            for (int j = 0; j < BLOCK; j++) {
                dst[off + b + j] = d * in.get();
            }
        }
    }

    /** C's roundf: half away from zero (Java's Math.round rounds half up). */
    static int roundf(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v); // exact in double
    }
}
