package dev.sam.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.train.safetensors.Dtype;
import dev.sam.train.safetensors.Halfs;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** MLX affine quantization math: packing, the exactly representable edge, the round-trip error bound. */
class AffineQuantTest {

    @ParameterizedTest
    @CsvSource({"2,32", "3,32", "4,32", "4,64", "4,128", "5,64", "6,64", "8,32", "8,128"})
    void packsAndUnpacksEveryValue(int bits, int group) {
        int cols = 256;
        int[] words = new int[AffineQuant.wordsPerRow(cols, bits)];
        SplittableRandom r = new SplittableRandom(bits * 100L + group);
        int[] values = new int[cols];
        for (int e = 0; e < cols; e++) {
            values[e] = r.nextInt(1 << bits);
            AffineQuant.put(words, 0, e, bits, values[e]);
        }
        for (int e = 0; e < cols; e++) {
            assertEquals(values[e], AffineQuant.get(words, 0, e, bits), "value " + e);
        }
    }

    @Test
    void fourBitPackingIsLowestNibbleFirst() {
        int[] words = new int[1];
        for (int j = 0; j < 8; j++) {
            AffineQuant.put(words, 0, j, 4, j + 1);
        }
        assertEquals(0x87654321, words[0]);
    }

    @ParameterizedTest
    @CsvSource({"2,32", "3,64", "4,32", "4,64", "4,128", "5,32", "6,128", "8,64"})
    void roundTripErrorIsBoundedByTheScale(int bits, int group) {
        int cols = 512;
        int rows = 16;
        AffineQuant.Params p = AffineQuant.Params.mlx(bits, group);
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02 + (i % 97 == 0 ? 0.1 : 0));
        }
        int words = AffineQuant.wordsPerRow(cols, bits);
        int groups = cols / group;
        int[] q = new int[rows * words];
        float[] s = new float[rows * groups];
        float[] b = new float[rows * groups];
        float[] back = new float[rows * cols];
        double sumRel = 0;
        for (int row = 0; row < rows; row++) {
            assertTrue(AffineQuant.quantizeRow(w, row * cols, cols, p, q, row * words, s, b, row * groups));
            AffineQuant.dequantizeRow(q, row * words, s, b, row * groups, cols, group, bits, back, row * cols);
            for (int k = 0; k < groups; k++) {
                float scale = Math.abs(s[row * groups + k]);
                float max = 0;
                for (int j = 0; j < group; j++) {
                    int i = row * cols + k * group + j;
                    float err = Math.abs(w[i] - back[i]);
                    // rounding (<= scale/2); the far end may land one step past 2^bits-1 and be clipped
                    // (<= one more step); fp16 storage of scale and bias adds a little.
                    assertTrue(err <= 1.5f * scale + 1e-3f * Math.abs(w[i]) + 1e-6f,
                            "row " + row + " group " + k + ": |" + w[i] + " - " + back[i] + "| > 1.5 * " + scale);
                    max = Math.max(max, Math.abs(w[i]));
                    sumRel += err / scale;
                }
            }
        }
        double meanRel = sumRel / w.length;
        assertTrue(meanRel < 0.3, "mean error " + meanRel + " scales (uniform rounding gives 0.25)");
    }

    @Test
    void theLargerMagnitudeEndIsExactlyRepresentedAndScalesMayBeNegative() {
        AffineQuant.Params p = new AffineQuant.Params(4, 32, Dtype.F32, AffineQuant.Rounding.MLX);
        float[] w = new float[32];
        for (int j = 0; j < 32; j++) {
            w[j] = -0.01f + j * 0.002f; // max 0.052 dominates |min| 0.01
        }
        int[] q = new int[4];
        float[] s = new float[1];
        float[] b = new float[1];
        AffineQuant.quantizeRow(w, 0, 32, p, q, 0, s, b, 0);
        assertTrue(s[0] < 0, "max dominates: negative scale " + s[0]);
        assertEquals(w[31], b[0], 0f, "bias is the edge value");
        float[] back = new float[32];
        AffineQuant.dequantizeRow(q, 0, s, b, 0, 32, 32, 4, back, 0);
        assertEquals(w[31], back[31], 0f, "edge exactly representable (q = 0)");
        for (int j = 0; j < 32; j++) {
            w[j] = -w[j];
        }
        AffineQuant.quantizeRow(w, 0, 32, p, q, 0, s, b, 0);
        assertTrue(s[0] > 0, "min dominates: positive scale");
        AffineQuant.dequantizeRow(q, 0, s, b, 0, 32, 32, 4, back, 0);
        assertEquals(w[31], back[31], 0f);
    }

    @Test
    void constantGroupsAndNonFiniteValues() {
        AffineQuant.Params p = AffineQuant.Params.mlx(4, 32);
        float[] w = new float[32];
        java.util.Arrays.fill(w, 0.25f);
        int[] q = new int[4];
        float[] s = new float[1];
        float[] b = new float[1];
        assertTrue(AffineQuant.quantizeRow(w, 0, 32, p, q, 0, s, b, 0));
        float[] back = new float[32];
        AffineQuant.dequantizeRow(q, 0, s, b, 0, 32, 32, 4, back, 0);
        assertEquals(Halfs.roundTo(Dtype.F16, 0.25f), back[5], 1e-6f);
        java.util.Arrays.fill(w, 0f);
        assertTrue(AffineQuant.quantizeRow(w, 0, 32, p, q, 0, s, b, 0));
        AffineQuant.dequantizeRow(q, 0, s, b, 0, 32, 32, 4, back, 0);
        assertEquals(0f, back[0], 1e-7f, "all-zero group stays zero (bias 0)");
        w[3] = Float.NaN;
        assertFalse(AffineQuant.quantizeRow(w, 0, 32, p, q, 0, s, b, 0));
    }
}
