package dev.sam.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Child JVM: the memory bandwidth the decode is judged against — a STREAM-style triad
 * ({@code a[i] = b[i] + s * c[i]}, McCalpin's STREAM; 12 bytes per element counted, as STREAM counts them:
 * no write-allocate traffic) over three arrays far larger than the caches, split into contiguous slices over
 * {@code threads} threads, best of {@code reps} passes after one warm-up pass.
 *
 * <pre>java dev.sam.bench.TriadRun threads=2 mib=64 reps=6</pre>
 */
public final class TriadRun {
    private TriadRun() {
    }

    public static void main(String[] argv) throws InterruptedException {
        Map<String, String> a = BenchData.args(argv);
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int mib = Integer.parseInt(a.getOrDefault("mib", "64"));
        int reps = Integer.parseInt(a.getOrDefault("reps", "6"));
        int n = mib << 18; // floats per array
        float[] x = new float[n];
        float[] y = new float[n];
        float[] z = new float[n];
        java.util.Arrays.fill(y, 1f);
        java.util.Arrays.fill(z, 2f);
        List<Double> gbs = new ArrayList<>();
        for (int r = 0; r <= reps; r++) {
            long t0 = System.nanoTime();
            pass(x, y, z, 3f, threads);
            double s = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                gbs.add(12.0 * n / s / 1e9);
            }
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("threads", threads);
        res.put("array_mib", mib);
        res.put("triad_gb_s", gbs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        res.put("passes_gb_s", gbs);
        ChildJvm.emit(res);
    }

    private static void pass(float[] x, float[] y, float[] z, float s, int threads) throws InterruptedException {
        Thread[] ts = new Thread[threads];
        int n = x.length;
        for (int t = 0; t < threads; t++) {
            int lo = (int) ((long) n * t / threads);
            int hi = (int) ((long) n * (t + 1) / threads);
            ts[t] = new Thread(() -> {
                for (int i = lo; i < hi; i++) {
                    x[i] = y[i] + s * z[i];
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
