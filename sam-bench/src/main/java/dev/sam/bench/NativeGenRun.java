package dev.sam.bench;

import dev.sam.train.nativelib.GenSettings;
import dev.sam.train.nativelib.NativeGenerator;
import dev.sam.train.nativelib.NativeKernels;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.Natives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Child JVM: KV-cache generation through the Java binding, batch 1, no adapters — a short warm-up
 * generation (8 prompt tokens, 4 new: maps the weights in), then for each sampling mode a timed prefill of {@code prompt} tokens
 * and {@code new} decoded tokens (no stop ids, so every token is produced); {@code modes=greedy} runs only the
 * greedy mode (the llama.cpp comparison). The decode precision comes from {@code SAM_DECODE_PRECISION}.
 *
 * <pre>java dev.sam.bench.NativeGenRun model=DIR prompt=64 new=128 [modes=greedy]</pre>
 */
public final class NativeGenRun {
    private NativeGenRun() {
    }

    public static void main(String[] argv) {
        Map<String, String> a = BenchData.args(argv);
        Path dir = Path.of(a.get("model"));
        int prompt = Integer.parseInt(a.get("prompt"));
        int fresh = Integer.parseInt(a.get("new"));
        long seed = Long.parseLong(a.getOrDefault("seed", "0"));
        Map<String, Object> res = new LinkedHashMap<>();
        try (NativeModel model = NativeModel.open(dir)) {
            int[] ids = BenchData.tokens(1000, 1, prompt, model.info().vocabSize(), seed);
            int ctx = prompt + fresh;
            // the warm-up maps every weight in and runs both kernels: a short prompt and a few tokens suffice
            try (NativeGenerator g = NativeGenerator.create(model, null, GenSettings.greedy(Math.min(4, fresh), ctx,
                    List.of()))) {
                long t0 = System.nanoTime();
                g.generate(java.util.Arrays.copyOf(ids, Math.min(8, ids.length)));
                System.err.printf("bench: warm-up generation %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            List<Map<String, Object>> modes = new ArrayList<>();
            if (!"greedy".equals(a.get("modes"))) {
                modes.add(run(model, ids, new GenSettings(fresh, ctx, 0.7f, 0.9f, seed, List.of()), "temperature 0.7, top_p 0.9"));
            }
            modes.add(run(model, ids, GenSettings.greedy(fresh, ctx, List.of()), "greedy"));
            res.put("backend", NativeKernels.backend());
            String dp = System.getenv("SAM_DECODE_PRECISION");
            res.put("decode_precision", dp == null || dp.isBlank() ? Natives.DEFAULT_DECODE_PRECISION + " (default)" : dp);
            res.put("prompt_tokens", prompt);
            res.put("modes", modes);
        }
        res.put("peak_rss_bytes", MachineInfo.peakRssBytes());
        ChildJvm.emit(res);
    }

    private static Map<String, Object> run(NativeModel model, int[] ids, GenSettings s, String label) {
        try (NativeGenerator g = NativeGenerator.create(model, null, s)) {
            long t0 = System.nanoTime();
            g.prefill(ids);
            long t1 = System.nanoTime();
            int n = 0;
            List<Integer> first = new ArrayList<>();
            for (OptionalInt t = g.next(); t.isPresent(); t = g.next()) {
                if (n++ < 8) {
                    first.add(t.getAsInt());
                }
            }
            long t2 = System.nanoTime();
            double prefill = (t1 - t0) / 1e9;
            double decode = (t2 - t1) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("mode", label);
            r.put("prefill_s", prefill);
            r.put("new_tokens", n);
            r.put("decode_s", decode);
            r.put("decode_tokens_per_s", n / decode);
            r.put("first_tokens", first);
            r.put("end_to_end_tokens_per_s", n / (prefill + decode));
            System.err.printf("bench: %s: prefill %d tokens %.2f s, %d tokens in %.2f s = %.1f tokens/s%n", label,
                    ids.length, prefill, n, decode, n / decode);
            return r;
        }
    }
}
