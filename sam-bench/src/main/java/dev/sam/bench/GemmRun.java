package dev.sam.bench;

import com.sun.jna.Memory;
import dev.sam.train.nativelib.NativeKernels;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Child JVM: fp32 GEMM rate of libsamtrain's selected backend (SAM_BLAS_LIB, SAM_THREADS) at the shapes
 * the trainer calls, through the same kernel entry the model code uses. Each shape: one warm-up call, then
 * {@code reps} timed calls; best and median GFLOP/s.
 *
 * <pre>java dev.sam.bench.GemmRun 512x1536x1536:NT,512x8960x1536:NT 5 300</pre>
 */
public final class GemmRun {
    /** One GEMM shape: C (m, n) = A (m, k) op(B); op "NT" multiplies by Bᵀ (x·Wᵀ), "NN" by B (dy·W). */
    public record GemmShape(String label, int m, int n, int k, boolean transB) {
        public static GemmShape parse(String s) {
            String[] lp = s.split("=");
            String label = lp.length > 1 ? lp[0] : "";
            String[] parts = lp[lp.length - 1].split(":");
            String[] d = parts[0].split("x");
            return new GemmShape(label, Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]),
                    parts.length < 2 || parts[1].equalsIgnoreCase("NT"));
        }

        public String spec() {
            return (label.isEmpty() ? "" : label + "=") + m + "x" + n + "x" + k + ":" + (transB ? "NT" : "NN");
        }

        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    private GemmRun() {
    }

    public static void main(String[] args) {
        List<GemmShape> shapes = Arrays.stream(args[0].split(",")).map(GemmShape::parse).toList();
        int reps = Integer.parseInt(args[1]);
        long cpuNanos = (args.length > 2 ? Long.parseLong(args[2]) : 300) * 1_000_000L;
        String backend = NativeKernels.backend();
        System.err.println("bench: backend " + backend);
        List<Map<String, Object>> out = new ArrayList<>();
        double peak = 0;
        double cpuPeak = 0;
        for (GemmShape s : shapes) {
            Map<String, Object> r = measure(s, reps, cpuNanos);
            peak = Math.max(peak, (double) r.get("gflops_best"));
            cpuPeak = Math.max(cpuPeak, (double) r.get("gflops_per_cpu_s"));
            out.add(r);
            System.err.printf("bench: %-28s %7.1f GFLOP/s (median %.1f)%n", s.spec(), r.get("gflops_best"),
                    r.get("gflops_median"));
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("backend", backend);
        res.put("shapes", out);
        res.put("peak_gflops", peak);
        res.put("peak_gflops_per_cpu_s", cpuPeak);
        res.put("peak_rss_bytes", MachineInfo.peakRssBytes());
        ChildJvm.emit(res);
    }

    static Map<String, Object> measure(GemmShape s, int reps, long cpuNanos) {
        long aLen = (long) s.m() * s.k();
        long bLen = (long) s.k() * s.n();
        long cLen = (long) s.m() * s.n();
        try (Memory a = random(aLen, 1); Memory b = random(bLen, 2); Memory c = new Memory(cLen * 4)) {
            int ldb = s.transB() ? s.k() : s.n();
            NativeKernels.sgemm(false, s.transB(), s.m(), s.n(), s.k(), 1f, a, s.k(), b, ldb, 0f, c, s.n());
            double[] rates = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                NativeKernels.sgemm(false, s.transB(), s.m(), s.n(), s.k(), 1f, a, s.k(), b, ldb, 0f, c, s.n());
                rates[i] = s.flops() / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
            Map<String, Object> r = rates(s, rates);
            // per CPU-second: calls until cpuNanos of CPU time (the process CPU clock is coarse)
            long c0 = MachineInfo.processCpuNanos();
            int calls = 0;
            long used;
            do {
                NativeKernels.sgemm(false, s.transB(), s.m(), s.n(), s.k(), 1f, a, s.k(), b, ldb, 0f, c, s.n());
                calls++;
                used = MachineInfo.processCpuNanos() - c0;
            } while (used < cpuNanos || calls < 2);
            r.put("gflops_per_cpu_s", round(s.flops() * calls / (used / 1e9) / 1e9));
            return r;
        }
    }

    static Map<String, Object> rates(GemmShape s, double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", s.label());
        r.put("shape", s.m() + "x" + s.n() + "x" + s.k());
        r.put("op", s.transB() ? "NT" : "NN");
        r.put("gflops_best", round(sorted[sorted.length - 1]));
        r.put("gflops_median", round(sorted[sorted.length / 2]));
        return r;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Memory random(long n, long seed) {
        Memory m = new Memory(n * 4);
        FloatBuffer fb = m.getByteBuffer(0, n * 4).asFloatBuffer();
        SplittableRandom r = new SplittableRandom(seed);
        float[] chunk = new float[1 << 16];
        for (long done = 0; done < n; done += chunk.length) {
            int len = (int) Math.min(chunk.length, n - done);
            for (int i = 0; i < len; i++) {
                chunk[i] = (float) (r.nextDouble() * 2 - 1);
            }
            fb.put(chunk, 0, len);
        }
        return m;
    }
}
