package dev.sam.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.model.ModelConfig;
import dev.sam.train.nativelib.NativeKernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer benchmark (issue 5): generates the models once, then measures in child JVMs — GEMM ceilings
 * per backend, the native trainer (8gb profile) through its Java binding, the same training in DJL PyTorch,
 * the full profile on the fp16 base, and generation — and hands everything to {@link BenchReport}.
 * {@code bench/train.sh} is the one command that builds and runs it.
 *
 * <pre>Map&lt;String, Object&gt; results = new TrainBench(BenchOptions.parse(args), System.err).run();</pre>
 */
public final class TrainBench {
    private final BenchOptions o;
    private final PrintStream log;

    public TrainBench(BenchOptions o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    public static void main(String[] args) throws IOException {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (BenchOptions.HelpRequested h) {
            System.out.println(BenchOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        BenchReport report;
        try {
            report = new TrainBench(o, System.err).run();
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("hint: the part's full log is under " + o.work().resolve("logs") + "; rerun with --skip "
                    + "to leave a failing part out");
            System.exit(1);
            return;
        }
        Path results = report.write(o.results()); // first: a table that fails to render loses nothing
        System.out.println(report.table());
        System.out.println("results: " + results);
        System.exit(report.allPass() ? 0 : 1);
    }

    /** Runs every part not skipped; the report holds all measurements. */
    public BenchReport run() throws IOException {
        Map<String, Object> machine = MachineInfo.collect();
        log.printf("bench: %s, %s cores, load %s%n", machine.get("cpu_model"), machine.get("cores_available"),
                MachineInfo.loadAverage());
        BenchModels.Pair models = BenchModels.ensure(o.work().resolve("models"), o.shapeName(), o.shape(), 0,
                progress());
        BenchReport r = new BenchReport(o, machine, models);
        ChildJvm jvm = new ChildJvm(System.getProperty("java.class.path"), o.work().resolve("logs"), log,
                List.of("-Xmx" + o.childXmx(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), 120);
        String threads = Integer.toString(o.threads());
        String shapes = String.join(",", gemmShapes(o).stream().map(GemmRun.GemmShape::spec).toList());
        String reps = Integer.toString(o.gemmReps());
        String cpuMs = Integer.toString(o.gemmCpuMs());

        if (o.runs("train")) {
            trainParts(r, jvm, models, threads, shapes, reps, cpuMs, backends(threads));
        }
        if (o.runs("gen")) {
            log.println("bench: generation, 4-bit, batch 1");
            ObjectNode gen = jvm.run("gen-native", NativeGenRun.class, List.of("model=" + models.q4(), "prompt="
                    + o.genPrompt(), "new=" + o.genNew()), Map.of("SAM_THREADS", threads), List.of());
            gen.set("peer_comparison", new GenBench(o, jvm, log).run(models.q4(), progress()));
            r.gen(gen);
        }
        r.finish(MachineInfo.loadAverage());
        return r;
    }

    /** GEMM ceilings, the native 8gb run, PyTorch, the other backends and the full profile. */
    private void trainParts(BenchReport r, ChildJvm jvm, BenchModels.Pair models, String threads, String shapes,
                            String reps, String cpuMs, List<Backend> backends) {
        // Order matters on a shared machine: each ratio's two sides run back to back (GEMM ceiling of the
        // default backend, native 8gb, PyTorch; then the other backends with their ceilings).
        TrainingProfile p8 = TrainingProfile.eightGb();
        log.println("bench: native trainer, 8gb profile (default backend)");
        ObjectNode nat = jvm.run("train-native", NativeTrainRun.class, trainArgs(models.q4(), p8, 1, o.steps(),
                o.warmup()), Map.of("SAM_THREADS", threads), List.of());
        String defaultBackend = backendOf(nat.path("backend").asText());
        nat.put("gemm_key", defaultBackend);
        r.train("native", nat);
        if (o.runs("dpo")) { // the preference step beside the supervised one: one pair of seq + seq tokens
            log.println("bench: native trainer, 8gb profile, DPO step (one pair of " + o.seq() + "+" + o.seq() + " tokens)");
            List<String> args = new ArrayList<>(trainArgs(models.q4(), p8, 2, o.steps(), o.warmup()));
            args.add("dpo=true");
            ObjectNode d = jvm.run("train-native-dpo", NativeTrainRun.class, args, Map.of("SAM_THREADS", threads), List.of());
            d.put("gemm_key", defaultBackend);
            r.train("native-dpo", d);
        }
        if (o.runs("masked")) { // a realistic chat batch: the prompt half masked, the head over the answers only
            log.println("bench: native trainer, 8gb profile, prompt-masked batch (" + o.seq() / 2 + " of " + o.seq()
                    + " tokens scored)");
            List<String> args = new ArrayList<>(trainArgs(models.q4(), p8, 1, o.steps(), o.warmup()));
            args.add("masked=true");
            ObjectNode m = jvm.run("train-native-masked", NativeTrainRun.class, args, Map.of("SAM_THREADS", threads), List.of());
            m.put("gemm_key", defaultBackend);
            r.train("native-masked", m);
        }
        Backend def = backends.stream().filter(b -> b.name().equals(defaultBackend)).findFirst().orElse(backends.get(0));
        log.println("bench: GEMM ceiling, " + def.name());
        r.gemm(def.name(), jvm.run("gemm-" + def.name(), GemmRun.class, List.of(shapes, reps, cpuMs), def.env(), def.unset()));
        if (o.runs("torch")) {
            log.println("bench: DJL PyTorch eager fp32, 8gb profile");
            List<String> args = new ArrayList<>(trainArgs(models.q4(), p8, 1, o.steps(), o.warmup()));
            args.add("shapes=" + shapes);
            args.add("reps=" + Math.max(2, o.gemmReps() / 2));
            Map<String, String> env = new LinkedHashMap<>(ChildJvm.djlEnv(o.work()));
            env.put("OMP_NUM_THREADS", threads);
            env.put("MKL_NUM_THREADS", threads);
            ChildJvm torchJvm = new ChildJvm(System.getProperty("java.class.path"), o.work().resolve("logs"), log,
                    List.of("-Xmx" + o.childXmx(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"), 120);
            r.train("torch", torchJvm.run("train-torch", TorchTrainRun.class, args, env, List.of()));
        }
        for (Backend b : backends) {
            if (b == def) {
                continue;
            }
            log.println("bench: GEMM ceiling, " + b.name());
            r.gemm(b.name(), jvm.run("gemm-" + b.name(), GemmRun.class, List.of(shapes, reps, cpuMs), b.env(), b.unset()));
            if (!o.compareBackends() || b.name().equals(defaultBackend)) {
                continue;
            }
            log.println("bench: native trainer, 8gb profile on " + b.name());
            ObjectNode run = jvm.run("train-native-" + b.name(), NativeTrainRun.class, trainArgs(models.q4(), p8, 1,
                    b.name().equals("builtin-bf16") ? o.steps() : o.compareSteps(), 1), b.env(), b.unset());
            run.put("gemm_key", b.name());
            r.train("native-" + b.name(), run);
        }
        if (o.runs("full")) {
            TrainingProfile full = TrainingProfile.full();
            log.println("bench: native trainer, full profile on the fp16 base");
            ObjectNode run = jvm.run("train-native-full", NativeTrainRun.class, trainArgs(models.fp16(), full,
                    o.fullBatch(), o.fullSteps(), o.fullWarmup()), Map.of("SAM_THREADS", threads), List.of());
            run.put("gemm_key", backendOf(run.path("backend").asText()));
            r.train("native-full", run);
        }
        if (o.runs("full2048")) { // the profile's real max_seq_length: one timed step, no warm-up (minutes each)
            TrainingProfile full = TrainingProfile.full();
            log.println("bench: native trainer, full profile at " + full.maxSeqLength() + " tokens on the fp16 base");
            ObjectNode run = jvm.run("train-native-full-2048", NativeTrainRun.class, trainArgs(models.fp16(), full,
                    o.fullBatch(), 1, 0, full.maxSeqLength()), Map.of("SAM_THREADS", threads), List.of());
            run.put("gemm_key", backendOf(run.path("backend").asText()));
            r.train("native-full-2048", run);
        }
    }

    private List<String> trainArgs(Path model, TrainingProfile p, int batch, int steps, int warmup) {
        return trainArgs(model, p, batch, steps, warmup, o.seq());
    }

    /** A training child's arguments: the profile's adapters, checkpointing and memory budget, batch x seq. */
    private List<String> trainArgs(Path model, TrainingProfile p, int batch, int steps, int warmup, int seq) {
        return List.of("model=" + model, "layers=" + p.loraLayers(), "rank=" + p.rank(), "alpha=" + p.alpha(),
                "targets=" + String.join(",", p.targets()), "seq=" + seq, "batch=" + batch, "steps=" + steps,
                "warmup=" + warmup, "checkpoint=" + p.gradCheckpoint(), "lr=" + p.learningRate(),
                "clip=" + p.gradClip(), "seed=" + p.seed(), "budget=" + p.memoryBudgetBytes());
    }

    /** A backend the benchmark measures: its name, the child's environment, variables removed from it. */
    record Backend(String name, Map<String, String> env, List<String> unset) {
    }

    /**
     * The built-in kernels (fp32 — AVX-512/AVX2 on x86-64, NEON on arm64; bf16 where the CPU has AVX512-BF16;
     * on an AVX-512 CPU also capped at AVX2, which is what a CPU without AVX-512 runs), Apple's Accelerate on
     * macOS, the bundled OpenBLAS as tests and CI run it
     * (Haswell kernels unless the environment pins another core), and — benchmark only — OpenBLAS
     * choosing its own kernel for this CPU.
     */
    private List<Backend> backends(String threads) {
        List<Backend> out = new ArrayList<>();
        out.add(new Backend("builtin", Map.of("SAM_BLAS_LIB", "builtin", "SAM_THREADS", threads), List.of("SAM_ISA")));
        if (o.runs("bf16") && NativeKernels.bf16Supported()) {
            out.add(new Backend("builtin-bf16", Map.of("SAM_BLAS_LIB", "builtin", "SAM_THREADS", threads,
                    "SAM_PRECISION", "bf16"), List.of("SAM_ISA")));
        }
        if (o.compareBackends() && NativeKernels.builtinIsa().equals("avx512")) {
            out.add(new Backend("builtin-avx2", Map.of("SAM_BLAS_LIB", "builtin", "SAM_THREADS", threads, "SAM_ISA",
                    "avx2"), List.of()));
        }
        if (NativeKernels.accelerateAvailable()) { // macOS: Apple's Accelerate, the default there
            out.add(new Backend("accelerate", Map.of("SAM_BLAS_LIB", "accelerate", "SAM_THREADS", threads), List.of()));
        }
        String lib = NativeKernels.bundledOpenBlas();
        if (lib != null && o.runs("openblas")) {
            String core = System.getenv("OPENBLAS_CORETYPE");
            out.add(new Backend("openblas", Map.of("SAM_BLAS_LIB", lib, "SAM_THREADS", threads, "OPENBLAS_CORETYPE",
                    core == null || core.isBlank() ? "Haswell" : core), List.of()));
        }
        if (lib != null && o.runs("openblas-auto")) {
            out.add(new Backend("openblas-auto", Map.of("SAM_BLAS_LIB", lib, "SAM_THREADS", threads,
                    "OPENBLAS_VERBOSE", "2"), List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")));
        }
        return out;
    }

    /** Which measured backend a training run's backend description is. */
    static String backendOf(String description) {
        if (description.startsWith("accelerate")) {
            return "accelerate";
        }
        if (description.startsWith("builtin") && description.contains("bf16")) {
            return "builtin-bf16";
        }
        if (description.startsWith("builtin")) { // "builtin-avx2" is the AVX-512 CPU's built-in kernels capped at AVX2
            return description.contains("(avx2)") && NativeKernels.builtinIsa().equals("avx512") ? "builtin-avx2" : "builtin";
        }
        String core = System.getenv("OPENBLAS_CORETYPE");
        return core == null || core.isBlank() ? "openblas-auto" : "openblas";
    }

    /** The GEMMs of one training step, as (M tokens) x (N outputs) x (K inputs). */
    static List<GemmRun.GemmShape> gemmShapes(BenchOptions o) {
        ModelConfig c = o.shape();
        int t = o.seq();
        int hd = c.numAttentionHeads() * c.headDim();
        int kvd = c.numKeyValueHeads() * c.headDim();
        int h = c.hiddenSize();
        int i = c.intermediateSize();
        int v = c.vocabSize();
        int r = o.lmHeadRows();
        return List.of(
                new GemmRun.GemmShape("q_proj", t, hd, h, true),
                new GemmRun.GemmShape("k/v_proj", t, kvd, h, true),
                new GemmRun.GemmShape("o_proj", t, h, hd, true),
                new GemmRun.GemmShape("gate/up_proj", t, i, h, true),
                new GemmRun.GemmShape("down_proj", t, h, i, true),
                new GemmRun.GemmShape("lm_head", r, v, h, true),
                new GemmRun.GemmShape("gate/up_proj.bwd", t, h, i, false),
                new GemmRun.GemmShape("down_proj.bwd", t, i, h, false),
                new GemmRun.GemmShape("lm_head.bwd", r, h, v, false));
    }

    private ProgressListener progress() {
        return new ProgressListener() {
            private long total;
            private long lastPct = -1;
            private String task;

            @Override
            public void start(String t, long n) {
                task = t;
                total = n;
                lastPct = -1;
                log.println("bench: " + t);
            }

            @Override
            public void update(long done, String detail) {
                long pct = total > 0 ? done * 100 / total : 0;
                if (pct / 10 != lastPct / 10) {
                    lastPct = pct;
                    log.printf("bench:   %s %d%%%n", task, pct);
                }
            }

            @Override
            public void finish(String summary) {
                if (summary != null) {
                    log.println("bench:   " + summary);
                }
            }
        };
    }

    static ObjectNode strip(ObjectNode n) {
        n.remove("stderr_tail");
        return n;
    }
}
