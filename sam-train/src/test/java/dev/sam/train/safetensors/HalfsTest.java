package dev.sam.train.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** fp16/bf16 conversions: exact where exact, round-to-nearest-even otherwise. */
class HalfsTest {
    @Test
    void everyHalfSurvivesFloatAndBack() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Halfs.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Halfs.halfToFloat(Halfs.floatToHalf(f))));
                continue;
            }
            assertEquals(h, Halfs.floatToHalf(f) & 0xffff, "half 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void knownValues() {
        assertEquals(0x3c00, Halfs.floatToHalf(1f) & 0xffff);
        assertEquals(0xc000, Halfs.floatToHalf(-2f) & 0xffff);
        assertEquals(0x7bff, Halfs.floatToHalf(65504f) & 0xffff);
        assertEquals(0x7c00, Halfs.floatToHalf(65520f) & 0xffff, "rounds up to infinity");
        assertEquals(0x0001, Halfs.floatToHalf(0x1p-24f) & 0xffff, "smallest subnormal");
        assertEquals(0x0000, Halfs.floatToHalf(0x1p-25f) & 0xffff, "half of it ties to even zero");
        assertEquals(0x0001, Halfs.floatToHalf(0x1.8p-25f) & 0xffff);
        assertEquals(0x3c00, Halfs.floatToHalf(1f + 0x1p-11f) & 0xffff, "tie to even (down)");
        assertEquals(0x3c02, Halfs.floatToHalf(1f + 3 * 0x1p-11f) & 0xffff, "tie to even (up)");
        assertEquals(0x3f80, Halfs.floatToBf16(1f) & 0xffff);
        assertEquals(0x3f80, Halfs.floatToBf16(Float.intBitsToFloat(0x3f808000)) & 0xffff, "bf16 tie to even");
        assertEquals(0x3f82, Halfs.floatToBf16(Float.intBitsToFloat(0x3f818000)) & 0xffff, "bf16 tie to even up");
        assertTrue(Float.isNaN(Halfs.bf16ToFloat(Halfs.floatToBf16(Float.NaN))));
    }

    @Test
    void randomFloatsRoundToTheNearestHalf() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-8, 5)));
            short h = Halfs.floatToHalf(f);
            double err = Math.abs(f - Halfs.halfToFloat(h));
            for (int d = -1; d <= 1; d += 2) {
                float neighbour = Halfs.halfToFloat((short) (h + d));
                if (!Float.isInfinite(neighbour) && !Float.isNaN(neighbour)
                        && Math.signum(neighbour) == Math.signum(Halfs.halfToFloat(h))) {
                    assertTrue(err <= Math.abs(f - neighbour), f + " -> " + Halfs.halfToFloat(h));
                }
            }
            float b = Halfs.bf16ToFloat(Halfs.floatToBf16(f));
            assertTrue(Math.abs(f - b) <= Math.abs(f) * 0x1p-8, "bf16 of " + f);
        }
    }
}
