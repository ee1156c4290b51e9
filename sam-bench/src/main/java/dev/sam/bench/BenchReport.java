package dev.sam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.config.TrainingProfile;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the children's measurements, derives the figures the targets are about (tokens/s, model
 * FLOP utilization, speed-up over PyTorch, peak RSS, generation rate), judges the targets and renders the
 * table and the results file.
 *
 * <pre>BenchReport r = new TrainBench(options, System.err).run(); System.out.println(r.table());</pre>
 */
public final class BenchReport {
    static final double GB = 1e9;
    static final double MFU_TARGET = 0.60;
    static final double TORCH_RATIO_TARGET = 1.2;
    static final double RSS_8GB_TARGET = 2.0 * GB;
    static final double RSS_FULL_TARGET = 6.0 * GB;
    static final double GEN_TARGET = 10.0;
    static final double LLAMA_RATIO_TARGET = 1.0;

    private final BenchOptions o;
    private final Map<String, Object> machine;
    private final BenchModels.Pair models;
    private final Map<String, ObjectNode> gemm = new LinkedHashMap<>();
    private final Map<String, ObjectNode> train = new LinkedHashMap<>();
    private ObjectNode gen;
    private String loadAtEnd = "?";
    private final List<Target> targets = new ArrayList<>();

    /** One target: what, the measured value, the threshold, pass. */
    public record Target(String name, String measured, String threshold, boolean pass) {
    }

    BenchReport(BenchOptions o, Map<String, Object> machine, BenchModels.Pair models) {
        this.o = o;
        this.machine = machine;
        this.models = models;
    }

    void gemm(String name, ObjectNode r) {
        List<String> err = new ArrayList<>();
        r.path("stderr_tail").forEach(n -> err.add(n.asText()));
        String core = err.stream().filter(l -> l.contains("Core:")).findFirst()
                .map(l -> l.substring(l.indexOf("Core:") + 5).trim()).orElse(null);
        if (core != null) {
            r.put("openblas_verbose_core", core);
        }
        gemm.put(name, TrainBench.strip(r));
    }

    void train(String name, ObjectNode r) {
        train.put(name, TrainBench.strip(r));
    }

    void gen(ObjectNode r) {
        gen = TrainBench.strip(r);
    }

    /** The GEMM entry measured on the backend a training run used. */
    private ObjectNode gemmOf(ObjectNode run) {
        return gemm.get(run.path("gemm_key").asText(TrainBench.backendOf(run.path("backend").asText())));
    }

    void finish(String load) {
        loadAtEnd = load;
        targets.clear();
        ObjectNode nat = train.get("native");
        if (nat != null) { // absent with --skip train
            double mfu = mfu(nat, TrainingProfile.eightGb(), 1);
            targets.add(new Target("8gb: model-FLOP utilization vs the fp32 GEMM peak of its backend",
                    pct(mfu), ">= " + pct(MFU_TARGET), mfu >= MFU_TARGET));
            ObjectNode torch = train.get("torch");
            if (torch != null) {
                double ratio = tokensPerS(nat) / tokensPerS(torch);
                targets.add(new Target("8gb: tokens/s vs DJL PyTorch eager fp32 (same run)", String.format("%.2fx", ratio),
                        ">= " + TORCH_RATIO_TARGET + "x", ratio >= TORCH_RATIO_TARGET));
            }
            ObjectNode bf = train.get("native-builtin-bf16");
            ObjectNode fp = gemm.get("builtin");
            if (bf != null && fp != null) {
                double v = flops(bf, TrainingProfile.eightGb(), 1).total() / medianStep(bf) / 1e9 / fp.path("peak_gflops").asDouble();
                targets.add(new Target("stretch, 8gb in bf16: model FLOP/s vs the fp32 GEMM peak (built-in)", pct(v),
                        "> 100.0%", v > 1.0));
            }
            double rss = nat.path("peak_rss_bytes").asDouble();
            targets.add(new Target("8gb: peak RSS (4-bit base, seq " + o.seq() + ")", gb(rss), "< " + gb(RSS_8GB_TARGET),
                    rss < RSS_8GB_TARGET));
            ObjectNode dpo = train.get("native-dpo");
            if (dpo != null) {
                double drss = dpo.path("peak_rss_bytes").asDouble();
                targets.add(new Target("8gb DPO step: peak RSS (4-bit base, pair " + o.seq() + "+" + o.seq() + ")",
                        gb(drss), "< " + gb(RSS_8GB_TARGET), drss < RSS_8GB_TARGET));
            }
            for (String name : List.of("native-full", "native-full-2048")) {
                ObjectNode full = train.get(name);
                if (full != null) {
                    double frss = full.path("peak_rss_bytes").asDouble();
                    targets.add(new Target("full: peak RSS (fp16 base, seq " + full.path("seq").asInt(o.seq()) + ", batch "
                            + o.fullBatch() + ")", gb(frss), "< " + gb(RSS_FULL_TARGET), frss < RSS_FULL_TARGET));
                }
            }
        }
        if (gen != null) {
            double worst = Double.MAX_VALUE;
            for (JsonNode m : gen.path("modes")) {
                worst = Math.min(worst, m.path("decode_tokens_per_s").asDouble());
            }
            targets.add(new Target("generation: decode tokens/s (4-bit, batch 1, slowest mode)",
                    String.format("%.1f", worst), ">= " + GEN_TARGET, worst >= GEN_TARGET));
            JsonNode sum = gen.path("peer_comparison").path("summary");
            String byDefault = gen.path("peer_comparison").path("default_side").asText("sam_fp32");
            for (String side : List.of("sam_q22", "sam_fp32", "sam_q8")) {
                JsonNode s = sum.path(side);
                if (!s.has("decode_vs_llama_cpp")) {
                    continue;
                }
                String who = " (SAM " + side.substring(4) + (side.equals(byDefault) ? ", the default" : ", opt-in")
                        + ")";
                double d = s.path("decode_vs_llama_cpp").asDouble();
                double p = s.path("prefill_vs_llama_cpp").asDouble();
                targets.add(new Target("generation: decode tokens/s vs llama.cpp Q4_0" + who, String.format("%.2fx", d),
                        ">= " + LLAMA_RATIO_TARGET + "x", d >= LLAMA_RATIO_TARGET));
                targets.add(new Target("generation: prefill tokens/s vs llama.cpp Q4_0" + who, String.format("%.2fx", p),
                        ">= " + LLAMA_RATIO_TARGET + "x", p >= LLAMA_RATIO_TARGET));
            }
        }
    }

    /** Runs (GEMM and training) during which the 1-minute load average exceeded the thread count. */
    List<String> busyRuns() {
        List<String> out = new ArrayList<>();
        Map<String, ObjectNode> all = new LinkedHashMap<>();
        gemm.forEach((k, v) -> all.put("gemm-" + k, v));
        all.putAll(train);
        all.forEach((k, v) -> {
            double worst = Math.max(load1(v.path("loadavg_before").asText()), load1(v.path("loadavg_after").asText()));
            if (worst > o.threads()) {
                out.add(k);
            }
        });
        return out;
    }

    private static double load1(String loadavg) {
        try {
            return Double.parseDouble(loadavg.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public boolean allPass() {
        return targets.stream().allMatch(Target::pass);
    }

    public List<Target> targets() {
        return targets;
    }

    static double medianStep(ObjectNode run) {
        List<Double> v = new ArrayList<>();
        run.path("step_s").forEach(n -> v.add(n.asDouble()));
        return BenchData.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double tokensPerS(ObjectNode run) {
        return run.path("tokens_per_step").asDouble() / medianStep(run);
    }

    private FlopModel flops(ObjectNode run, TrainingProfile p, int batch) {
        int seq = run.path("seq").asInt(o.seq());
        long scored = run.path("scored_per_step").asLong((long) batch * (seq - 1));
        return FlopModel.of(o.shape(), batch, seq, scored, p.loraLayers(), p.rank(), p.targets());
    }

    /** Model FLOP/s of the run over the fp32 GEMM peak of the backend it used. */
    private double mfu(ObjectNode run, TrainingProfile p, int batch) {
        ObjectNode g = gemmOf(run);
        double achieved = flops(run, p, batch).total() / medianStep(run) / 1e9;
        return g == null ? Double.NaN : achieved / g.path("peak_gflops").asDouble();
    }

    private Map<String, Object> trainSummary(String name, TrainingProfile p, int batch) {
        ObjectNode run = train.get(name);
        Map<String, Object> m = new LinkedHashMap<>();
        FlopModel f = flops(run, p, batch);
        double step = medianStep(run);
        m.put("s_per_step_median", step);
        if (run.has("step_cpu_s")) {
            List<Double> c = new ArrayList<>();
            run.path("step_cpu_s").forEach(n -> c.add(n.asDouble()));
            m.put("cpu_s_per_step_median", BenchData.median(c.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        m.put("tokens_per_s", tokensPerS(run));
        m.put("model_gflop_per_step", f.total() / 1e9);
        m.put("achieved_model_gflops", f.total() / step / 1e9);
        ObjectNode g = gemmOf(run);
        if (!name.equals("torch") && g != null) {
            m.put("gemm_peak_gflops_of_backend", g.path("peak_gflops").asDouble());
            m.put("mfu", mfu(run, p, batch));
            if (m.containsKey("cpu_s_per_step_median") && g.has("peak_gflops_per_cpu_s")) {
                /* the same ratio per CPU-second: insensitive to other processes taking the cores */
                double perCpu = f.total() / (double) m.get("cpu_s_per_step_median") / 1e9;
                m.put("model_gflops_per_cpu_s", perCpu);
                m.put("mfu_cpu_time_basis", perCpu / g.path("peak_gflops_per_cpu_s").asDouble());
            }
        }
        ObjectNode fp32 = gemm.get("builtin");
        if (fp32 != null) {
            m.put("model_flops_vs_builtin_fp32_peak", f.total() / step / 1e9 / fp32.path("peak_gflops").asDouble());
        }
        if (name.equals("torch")) {
            double torchPeak = 0;
            for (JsonNode s : run.path("gemm")) {
                torchPeak = Math.max(torchPeak, s.path("gflops_best").asDouble());
            }
            m.put("torch_matmul_peak_gflops", torchPeak);
            m.put("mfu_vs_own_matmul_peak", torchPeak > 0 ? f.total() / step / 1e9 / torchPeak : null);
        }
        m.put("peak_rss_bytes", run.path("peak_rss_bytes").asLong());
        m.put("flops", f.terms());
        m.put("raw", run);
        return m;
    }

    /** Per side: what produced the numbers (SAM's native backend, Java, PyTorch/DJL, llama.cpp, node). */
    Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sam_commit", MachineInfo.gitCommit());
        v.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        ObjectNode nat = train.get("native");
        String backend = nat != null ? nat.path("backend").asText() : gen != null ? gen.path("backend").asText() : null;
        v.put("libsamtrain_backend", backend);
        ObjectNode torch = train.get("torch");
        if (torch != null) {
            v.put("torch", torch.path("engine").asText());
        }
        JsonNode peer = gen == null ? null : gen.path("peer_comparison");
        if (peer != null && peer.has("llama_cpp_versions")) {
            v.put("llama_cpp", peer.get("llama_cpp_versions"));
            v.put("llama_cpp_system_info", peer.path("llama_cpp_system_info").asText());
        }
        return v;
    }

    /** Everything, for the results file. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", o.date());
        m.put("benchmark", "bench/train.sh (sam-bench dev.sam.bench.TrainBench)");
        m.put("machine", machine);
        m.put("load_at_end", loadAtEnd);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("shape", o.shapeName());
        opts.put("model_config", o.shape());
        opts.put("seq", o.seq());
        opts.put("steps", o.steps());
        opts.put("warmup", o.warmup());
        opts.put("full_batch", o.fullBatch());
        opts.put("full_steps", o.fullSteps());
        opts.put("threads", o.threads());
        opts.put("gen_prompt", o.genPrompt());
        opts.put("gen_new", o.genNew());
        opts.put("gen_rounds", o.genRounds());
        opts.put("profile_8gb", TrainingProfile.eightGb());
        opts.put("profile_full", TrainingProfile.full());
        m.put("options", opts);
        m.put("models", Map.of("q4", models.q4().toString(), "fp16", models.fp16().toString()));
        m.put("gemm", gemm);
        Map<String, Object> tr = new LinkedHashMap<>();
        for (String k : train.keySet()) {
            tr.put(k, summary(k));
        }
        m.put("training", tr);
        if (train.containsKey("torch")) {
            m.put("speedup_native_vs_torch", tokensPerS(train.get("native")) / tokensPerS(train.get("torch")));
            m.put("loss_max_rel_diff_native_vs_torch", lossDiff(train.get("native"), train.get("torch")));
        }
        m.put("generation", gen);
        m.put("versions", versions());
        m.put("targets", targets);
        m.put("all_pass", allPass());
        m.put("runs_with_load_above_cores", busyRuns());
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model_flops", FlopModel.FORMULA);
        f.put("gemm_peak", "max over the trainer's GEMM shapes of 2*M*N*K / best time, fp32, backend's kernels, "
                + o.threads() + " threads");
        f.put("tokens_per_s", "batch*seq / median seconds per timed step (forward + backward + optimizer step)");
        f.put("mfu_cpu_time_basis", "model FLOP per CPU-second of the training process / the highest GEMM FLOP per"
                + " CPU-second (calls repeated for 0.3 s of CPU time) of the same backend: the same ratio with time-sharing by other processes factored out"
                + " (idle OpenMP threads sleep, so CPU time is work done)");
        f.put("peak_rss", "VmHWM of the child JVM (/proc/self/status) at the end of its run");
        f.put("generation", "decode: new tokens / time of the sam_gen_next calls; end-to-end adds the prefill");
        f.put("generation_vs_llama_cpp", "generation.peer_comparison: greedy, same prompt ids, " + o.genRounds()
                + " interleaved rounds, medians; decode = (new - 1) / time from the first to the last new token on both"
                + " sides; prefill = the whole prompt in one call; GB/s = weight file bytes x decode tokens/s, against a"
                + " STREAM triad (12 bytes per element) on the same threads");
        m.put("formulas", f);
        return m;
    }

    static double lossDiff(ObjectNode a, ObjectNode b) {
        double worst = 0;
        JsonNode la = a.path("losses");
        JsonNode lb = b.path("losses");
        for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
            worst = Math.max(worst, Math.abs(la.get(i).asDouble() - lb.get(i).asDouble()) / Math.abs(lb.get(i).asDouble()));
        }
        return worst;
    }

    /** Writes results/<date>-train.json atomically; returns its path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(o.date() + "-train.json");
        AtomicFiles.writeString(f, Json.pretty(toMap()) + "\n");
        return f;
    }

    /** The human-readable table. */
    public String table() {
        return new BenchTable(this).render();
    }

    BenchOptions options() {
        return o;
    }

    Map<String, Object> machine() {
        return machine;
    }

    Map<String, ObjectNode> gemmResults() {
        return gemm;
    }

    Map<String, ObjectNode> trainResults() {
        return train;
    }

    ObjectNode genResult() {
        return gen;
    }

    String loadAtEnd() {
        return loadAtEnd;
    }

    /** A run's summary with its profile and rows per micro-batch (a DPO step holds the pair's two rows). */
    Map<String, Object> summary(String name) {
        boolean full = name.startsWith("native-full");
        return trainSummary(name, full ? TrainingProfile.full() : TrainingProfile.eightGb(),
                full ? o.fullBatch() : name.equals("native-dpo") ? 2 : 1);
    }

    static String pct(double v) {
        return String.format("%.1f%%", 100 * v);
    }

    static String gb(double bytes) {
        return String.format("%.2f GB", bytes / GB);
    }
}
