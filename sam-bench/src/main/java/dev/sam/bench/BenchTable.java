package dev.sam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link BenchReport} as the plain-text table bench/train.sh prints: GEMM ceilings per backend,
 * training runs side by side, generation, then the targets with PASS/FAIL and the FLOP formula.
 *
 * <pre>String text = new BenchTable(report).render();</pre>
 */
final class BenchTable {
    private final BenchReport r;
    private final StringBuilder sb = new StringBuilder();

    BenchTable(BenchReport r) {
        this.r = r;
    }

    String render() {
        BenchOptions o = r.options();
        Map<String, Object> m = r.machine();
        line("SAM trainer benchmark — %s (random weights), %d threads, %s", o.shapeName(), o.threads(), o.date());
        line("machine: %s, %s cores, flags %s; load %s at start, %s at end", m.get("cpu_model"), m.get("cores_available"),
                m.get("cpu_key_flags"), m.get("loadavg"), r.loadAtEnd());
        line("");
        gemmTable();
        trainTable();
        genTable();
        List<String> busy = r.busyRuns();
        if (!busy.isEmpty()) {
            line("WARNING: the 1-minute load average exceeded the %d cores around %s: other processes shared the", r.options().threads(),
                    String.join(", ", busy));
            line("cores, so those times (and the ratios built on them) are off; rerun when `uptime` shows a quiet machine.");
            line("The CPU-time basis rows factor the sharing out.");
            line("");
        }
        line("targets");
        for (BenchReport.Target t : r.targets()) {
            line("  %-72s %12s  %-10s %s", t.name(), t.measured(), t.threshold(), t.pass() ? "PASS" : "FAIL");
        }
        line("");
        line("model FLOPs per micro-batch (GEMMs only, multiply-add = 2):");
        for (String f : FlopModel.FORMULA.split("\n")) {
            line("  %s", f);
        }
        return sb.toString();
    }

    private void gemmTable() {
        Map<String, ObjectNode> g = r.gemmResults();
        List<String> cols = new ArrayList<>(g.keySet());
        if (cols.isEmpty()) { // --skip train
            return;
        }
        ObjectNode torch = r.trainResults().get("torch");
        line("fp32 GEMM ceiling, GFLOP/s (best of %d), C(M,N) = A(M,K) op(B)", r.options().gemmReps());
        StringBuilder h = new StringBuilder(String.format("  %-18s %-20s", "GEMM", "MxNxK op"));
        for (String c : cols) {
            h.append(String.format(" %16s", c));
        }
        if (torch != null) {
            h.append(String.format(" %16s", "torch"));
        }
        line("%s", h);
        JsonNode first = g.get(cols.get(0)).path("shapes");
        for (int i = 0; i < first.size(); i++) {
            JsonNode s = first.get(i);
            StringBuilder row = new StringBuilder(String.format("  %-18s %-20s", s.path("label").asText(),
                    s.path("shape").asText() + " " + s.path("op").asText()));
            for (String c : cols) {
                row.append(String.format(" %16.1f", g.get(c).path("shapes").get(i).path("gflops_best").asDouble()));
            }
            if (torch != null && torch.path("gemm").size() > i) {
                row.append(String.format(" %16.1f", torch.path("gemm").get(i).path("gflops_best").asDouble()));
            }
            line("%s", row);
        }
        StringBuilder peak = new StringBuilder(String.format("  %-39s", "peak"));
        for (String c : cols) {
            peak.append(String.format(" %16.1f", g.get(c).path("peak_gflops").asDouble()));
        }
        line("%s", peak);
        StringBuilder cpuPeak = new StringBuilder(String.format("  %-39s", "peak per CPU-second"));
        for (String c : cols) {
            cpuPeak.append(String.format(" %16.1f", g.get(c).path("peak_gflops_per_cpu_s").asDouble()));
        }
        line("%s", cpuPeak);
        for (String c : cols) {
            ObjectNode n = g.get(c);
            line("  %-16s %s%s", c + ":", n.path("backend").asText(), n.has("openblas_verbose_core")
                    ? " (OPENBLAS_VERBOSE: core " + n.path("openblas_verbose_core").asText() + ")" : "");
        }
        for (String missing : platformBackendsNotMeasured(cols, g)) {
            line("  %-16s not measured on this machine", missing + ":");
        }
        line("");
    }

    /**
     * The backends of the other platforms SAM runs on — Apple's Accelerate (macOS) and the built-in NEON
     * kernels (arm64) — that this run could not measure, so the table says so instead of leaving them out.
     */
    static List<String> platformBackendsNotMeasured(List<String> cols, Map<String, ObjectNode> gemm) {
        List<String> out = new ArrayList<>();
        if (!cols.contains("accelerate")) {
            out.add("accelerate");
        }
        boolean neon = gemm.values().stream().anyMatch(n -> n.path("backend").asText().contains("(neon"));
        if (!neon) {
            out.add("builtin-neon");
        }
        return out;
    }

    private void trainTable() {
        List<String> names = new ArrayList<>(r.trainResults().keySet());
        if (names.isEmpty()) { // --skip train
            return;
        }
        line("training (seq %d; 8gb: 4-bit base, last 8 layers, rank 4, q/k/v/o, batch 1, checkpointing;"
                + " full: fp16 base, all layers, rank 8, batch %d)", r.options().seq(), r.options().fullBatch());
        StringBuilder h = new StringBuilder(String.format("  %-26s", ""));
        for (String n : names) {
            h.append(String.format(" %18s", n));
        }
        line("%s", h);
        row(names, "s/step (median)", n -> fmt("%.2f", r.summary(n).get("s_per_step_median")));
        row(names, "CPU s/step (all threads)", n -> {
            Object v = r.summary(n).get("cpu_s_per_step_median");
            return v == null ? "-" : fmt("%.2f", v);
        });
        row(names, "tokens/s", n -> fmt("%.1f", r.summary(n).get("tokens_per_s")));
        row(names, "model GFLOP/step", n -> fmt("%.0f", r.summary(n).get("model_gflop_per_step")));
        row(names, "model GFLOP/s", n -> fmt("%.1f", r.summary(n).get("achieved_model_gflops")));
        row(names, "GEMM peak of backend", n -> {
            Object v = r.summary(n).get(n.equals("torch") ? "torch_matmul_peak_gflops" : "gemm_peak_gflops_of_backend");
            return v == null ? "-" : fmt("%.1f", v);
        });
        row(names, "MFU (vs that peak)", n -> {
            Object v = r.summary(n).get(n.equals("torch") ? "mfu_vs_own_matmul_peak" : "mfu");
            return v == null ? "-" : BenchReport.pct((Double) v);
        });
        row(names, "MFU, CPU-time basis", n -> {
            Object v = r.summary(n).get("mfu_cpu_time_basis");
            return v == null ? "-" : BenchReport.pct((Double) v);
        });
        row(names, "vs built-in fp32 peak", n -> {
            Object v = r.summary(n).get("model_flops_vs_builtin_fp32_peak");
            return v == null ? "-" : BenchReport.pct((Double) v);
        });
        row(names, "peak RSS", n -> BenchReport.gb(((Number) r.summary(n).get("peak_rss_bytes")).doubleValue()));
        row(names, "memory plan (rows/pass)", n -> {
            ObjectNode t = r.trainResults().get(n);
            return !t.has("rows_per_pass") ? "-" : t.path("rows_per_pass").asInt() + (t.path("recompute").asBoolean()
                    ? ", recompute" : ", kept") + fmt(", %.2f GB", t.path("planned_bytes").asDouble() / 1e9);
        });
        row(names, "loss, first step", n -> fmt("%.5f", r.trainResults().get(n).path("losses").get(0).asDouble()));
        row(names, "load avg before / after", n -> {
            ObjectNode t = r.trainResults().get(n);
            return t.path("loadavg_before").asText("?").split(" ")[0] + " / " + t.path("loadavg_after").asText("?").split(" ")[0];
        });
        row(names, "backend", n -> {
            String b = r.trainResults().get(n).path(n.equals("torch") ? "engine" : "backend").asText();
            return b.length() > 18 ? b.substring(0, 18) : b;
        });
        line("");
    }

    private void genTable() {
        ObjectNode g = r.genResult();
        if (g == null) {
            return;
        }
        line("generation (4-bit, batch 1, KV cache, prompt %d tokens, %d new)", r.options().genPrompt(),
                r.options().genNew());
        for (JsonNode m : g.path("modes")) {
            line("  %-28s prefill %.2f s, decode %.1f tokens/s, end-to-end %.1f tokens/s", m.path("mode").asText(),
                    m.path("prefill_s").asDouble(), m.path("decode_tokens_per_s").asDouble(),
                    m.path("end_to_end_tokens_per_s").asDouble());
        }
        line("  peak RSS %s", BenchReport.gb(g.path("peak_rss_bytes").asDouble()));
        JsonNode peer = g.path("peer_comparison");
        if (peer.has("summary")) {
            line("  against llama.cpp (greedy, same prompt ids, medians of %d interleaved rounds; STREAM triad %.1f GB/s)%s",
                    r.options().genRounds(), peer.path("stream_triad").path("triad_gb_s").asDouble(),
                    peer.has("llama_cpp_skipped") ? ": llama.cpp skipped, " + peer.path("llama_cpp_skipped").asText() : "");
            peer.path("summary").properties().forEach(e -> {
                JsonNode s = e.getValue();
                line("    %-10s decode %5.1f tokens/s (%4.1f GB/s, %3.0f%% of triad)%s, prefill %d tokens %.2f s%s", e.getKey(),
                        s.path("decode_tokens_per_s").asDouble(), s.path("decode_gb_per_s").asDouble(),
                        100 * s.path("decode_fraction_of_triad").asDouble(),
                        s.has("decode_vs_llama_cpp") ? String.format(" = %.2fx", s.path("decode_vs_llama_cpp").asDouble()) : "",
                        r.options().genPrompt(), s.path("prefill_s").asDouble(),
                        s.has("prefill_vs_llama_cpp") ? String.format(" = %.2fx", s.path("prefill_vs_llama_cpp").asDouble()) : "");
            });
        }
        line("");
    }

    private void row(List<String> names, String label, java.util.function.Function<String, String> f) {
        StringBuilder s = new StringBuilder(String.format("  %-26s", label));
        for (String n : names) {
            s.append(String.format(" %18s", f.apply(n)));
        }
        line("%s", s);
    }

    private static String fmt(String f, Object v) {
        return String.format(f, v);
    }

    private void line(String f, Object... args) {
        sb.append(String.format(f, args)).append('\n');
    }
}
