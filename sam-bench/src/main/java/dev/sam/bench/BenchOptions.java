package dev.sam.bench;

import dev.sam.core.config.TrainingProfile;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.model.ModelShapes;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one benchmark run measures. Training settings come from SAM's profiles ({@link TrainingProfile}:
 * rank, alpha, layers, targets, batch, learning rate, clipping, checkpointing); the benchmark fixes the
 * sequence length (512 for both profiles) and the step counts.
 *
 * <pre>BenchOptions o = BenchOptions.parse(args);</pre>
 */
public record BenchOptions(Path work, Path results, String shapeName, ModelConfig shape, int seq, int steps,
                           int warmup, int fullBatch, int fullSteps, int fullWarmup, int genPrompt, int genNew,
                           int threads, int gemmReps, int lmHeadRows, String date, Set<String> skip,
                           String childXmx, boolean compareBackends, int compareSteps, int gemmCpuMs, int genRounds) {

    public static final String USAGE = String.join("\n",
            "usage: bench/train.sh [options]",
            "  --work DIR          models, logs and caches (default bench/work)",
            "  --results DIR       where <date>-train.json goes (default bench/results)",
            "  --shape NAME        model shape (default qwen2.5-coder-1.5b; one of " + ModelShapes.names() + ")",
            "  --seq N             training sequence length (default 512)",
            "  --steps N           timed 8gb steps after --warmup N (defaults 3 and 1)",
            "  --full-batch N      batch of the full-profile run (default the profile's, 4)",
            "  --full-steps N      timed full-profile steps after --full-warmup N (defaults 1 and 0)",
            "  --gen-prompt N      generation prompt tokens (default 64); --gen-new N new tokens (default 128)",
            "  --gen-rounds N      interleaved rounds of SAM q22 / fp32 / q8 / llama.cpp generation (default 3)",
            "  --threads N         threads for every measurement (default 2)",
            "  --gemm-reps N       timed calls per GEMM shape (default 5)",
            "  --compare-steps N   timed 8gb steps (after one warm-up) on the non-default backends (default 1)",
            "  --gemm-cpu-ms N     CPU time per GEMM shape for the per-CPU-second rate (default 300)",
            "  --skip LIST         comma list of: openblas, openblas-auto, bf16, torch, full, full2048, gen, compare,",
            "                      train, llama, dpo, masked (compare: the 8gb run on the other backends; masked: the 8gb",
            "                      step with the prompt half of the row masked; train: every training",
            "                      part and GEMM ceiling, e.g. --skip train for generation only; llama: the llama.cpp",
            "                      peer; dpo: the 8gb DPO step on one preference pair; full2048: the full profile at its",
            "                      real 2048 tokens, one step of minutes)",
            "  --date YYYY-MM-DD   date in the results file name (default today)",
            "  -h, --help          this text");

    public static BenchOptions defaults() {
        return new BenchOptions(Path.of("bench/work"), Path.of("bench/results"), "qwen2.5-coder-1.5b",
                ModelShapes.get("qwen2.5-coder-1.5b"), 512, 3, 1, TrainingProfile.full().batchSize(), 1, 0, 64, 128, 2,
                5, 128, LocalDate.now().toString(), Set.of(), "512m", true, 1, 300, 3);
    }

    /** Parses command-line options; throws IllegalArgumentException naming the problem for bad input. */
    public static BenchOptions parse(String[] args) {
        BenchOptions d = defaults();
        Path work = d.work;
        Path results = d.results;
        String shape = d.shapeName;
        int[] n = {d.seq, d.steps, d.warmup, d.fullBatch, d.fullSteps, d.fullWarmup, d.genPrompt, d.genNew, d.threads,
            d.gemmReps, d.compareSteps, d.gemmCpuMs, d.genRounds};
        List<String> numeric = List.of("--seq", "--steps", "--warmup", "--full-batch", "--full-steps", "--full-warmup",
                "--gen-prompt", "--gen-new", "--threads", "--gemm-reps", "--compare-steps", "--gemm-cpu-ms", "--gen-rounds");
        int[] min = {8, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
        String date = d.date;
        Set<String> skip = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (k.equals("-h") || k.equals("--help")) {
                throw new HelpRequested();
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + k + " needs a value");
            }
            String v = args[++i];
            int idx = numeric.indexOf(k);
            if (idx >= 0) {
                n[idx] = num(k, v, min[idx]);
                continue;
            }
            switch (k) {
                case "--work" -> work = Path.of(v);
                case "--results" -> results = Path.of(v);
                case "--shape" -> shape = v;
                case "--date" -> date = v;
                case "--skip" -> {
                    for (String s : v.split(",")) {
                        if (!List.of("openblas", "openblas-auto", "bf16", "torch", "full", "full2048", "gen", "compare", "train", "llama",
                                "dpo", "masked")
                                .contains(s)) {
                            throw new IllegalArgumentException("--skip: unknown part '" + s + "'");
                        }
                        skip.add(s);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        ModelConfig s = shape.equals(d.shapeName) ? d.shape : ModelShapes.get(shape);
        return new BenchOptions(work, results, shape, s, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9],
                d.lmHeadRows, date, Set.copyOf(skip), d.childXmx, !skip.contains("compare"), n[10], n[11], n[12]);
    }

    /** Same options with another model shape (e.g. a tiny one for the smoke test) and lm_head GEMM rows. */
    public BenchOptions withShape(String name, ModelConfig s, int lmHead) {
        return new BenchOptions(work, results, name, s, seq, steps, warmup, fullBatch, fullSteps, fullWarmup, genPrompt,
                genNew, threads, gemmReps, lmHead, date, skip, childXmx, compareBackends, compareSteps, gemmCpuMs, genRounds);
    }

    public boolean runs(String part) {
        return !skip.contains(part);
    }

    private static int num(String key, String v, int min) {
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException(key + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " expects a number, got '" + v + "'");
        }
    }

    /** -h / --help was given. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help");
        }
    }
}
