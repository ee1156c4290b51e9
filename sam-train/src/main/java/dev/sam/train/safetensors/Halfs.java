package dev.sam.train.safetensors;

import java.nio.ByteBuffer;

/**
 * IEEE binary16 and bfloat16 conversions (Java 17 has no Float.float16ToFloat). Rounding is to
 * nearest, ties to even, as numpy's {@code astype(float16)}, torch and mlx do; NaN stays NaN and
 * overflow becomes infinity.
 */
public final class Halfs {
    private Halfs() {
    }

    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half of the smallest subnormal: rounds to zero
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the correct result (up to infinity)
        }
        return (short) (sign | half);
    }

    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40); // quiet NaN
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** The float rounded through {@code dtype} (F32 unchanged). */
    public static float roundTo(Dtype dtype, float f) {
        return switch (dtype) {
            case F16 -> halfToFloat(floatToHalf(f));
            case BF16 -> bf16ToFloat(floatToBf16(f));
            default -> f;
        };
    }

    /** Reads {@code n} elements of a float dtype from a little-endian buffer at its position. */
    public static void decode(ByteBuffer src, Dtype dtype, float[] dst, int off, int n) {
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getFloat();
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = halfToFloat(src.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = bf16ToFloat(src.getShort());
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = (float) src.getDouble();
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float dtype");
        }
    }

    /** Writes {@code n} floats as {@code dtype} into a little-endian buffer at its position. */
    public static void encode(float[] src, int off, int n, Dtype dtype, ByteBuffer dst) {
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst.putFloat(src[off + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(floatToHalf(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.putShort(floatToBf16(src[off + i]));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst.putDouble(src[off + i]);
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float dtype");
        }
    }
}
