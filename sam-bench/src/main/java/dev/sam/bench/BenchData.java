package dev.sam.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The inputs both trainers see, from seeds only: token batches (every position after the first is a
 * scored target, as for {"text"} records) and the LoRA A matrices (B starts at zero as always). Giving
 * both implementations the same A makes their losses comparable step by step.
 *
 * <pre>int[] ids = BenchData.tokens(step, batch, seq, vocab, seed);</pre>
 */
public final class BenchData {
    private BenchData() {
    }

    /** Row-major [batch, seq] token ids of micro-batch {@code step}. */
    public static int[] tokens(int step, int batch, int seq, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + step);
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
        }
        return ids;
    }

    /** Loss mask scoring every target t >= 1 of each row. */
    public static byte[] fullMask(int batch, int seq) {
        byte[] m = new byte[batch * seq];
        for (int b = 0; b < batch; b++) {
            Arrays.fill(m, b * seq + 1, (b + 1) * seq, (byte) 1);
        }
        return m;
    }

    /** lora_a of the named tensor [in, r], uniform in ±1/sqrt(in) (mlx-lm / PEFT init). */
    public static float[] loraA(String name, int in, int rank, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L));
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] a = new float[in * rank];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        return a;
    }

    /** key=value arguments of a child main. */
    public static Map<String, String> args(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return m;
    }

    /** Median of values (upper median for an even count). */
    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
