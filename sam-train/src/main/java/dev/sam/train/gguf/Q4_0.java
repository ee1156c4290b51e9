package dev.sam.train.gguf;

import dev.sam.train.safetensors.Halfs;
import java.nio.ByteBuffer;

/**
 * ggml's reference Q4_0 quantization ({@code quantize_row_q4_0_ref} in ggml-quants.c; ggml-common.h
 * {@code block_q4_0}): per block of 32 values, {@code max} is the value of largest magnitude (its sign kept),
 * {@code d = max / -8}, {@code q = min(15, (int8) (x / d + 8.5))}, stored as the fp16 {@code d} followed by 16
 * bytes whose low nibbles hold values 0..15 of the block and high nibbles values 16..31; value = d · (q − 8).
 * 4.5 bits per weight, the size of MLX 4-bit with group 64 (the benchmark's llama.cpp peer).
 */
public final class Q4_0 {
    public static final int BLOCK = 32;

    private Q4_0() {
    }

    /** Appends the blocks of {@code x[off .. off+n)} ({@code n} a multiple of 32) to {@code out}. */
    public static void quantize(float[] x, int off, int n, ByteBuffer out) {
        for (int b = off; b < off + n; b += BLOCK) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                if (amax < Math.abs(x[b + j])) {
                    amax = Math.abs(x[b + j]);
                    max = x[b + j];
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            out.putShort(Halfs.floatToHalf(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = Math.min(15, (byte) (int) (x[b + j] * id + 8.5f));
                int hi = Math.min(15, (byte) (int) (x[b + BLOCK / 2 + j] * id + 8.5f));
                out.put((byte) (lo | hi << 4));
            }
        }
    }

    /** Dequantizes {@code n} values from {@code in} (d · (q − 8) per block) into {@code dst[off ..]}. */
    public static void dequantize(ByteBuffer in, int n, float[] dst, int off) {
        for (int b = 0; b < n; b += BLOCK) {
            float d = Halfs.halfToFloat(in.getShort());
            for (int j = 0; j < BLOCK / 2; j++) {
                int q = in.get() & 0xFF;
                dst[off + b + j] = d * ((q & 15) - 8);
                dst[off + b + BLOCK / 2 + j] = d * ((q >> 4) - 8);
            }
        }
    }
}
