package dev.sam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.train.nativelib.NativeKernels;
import dev.sam.train.nativelib.Natives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generation against its peer (issue 23): SAM's decode with each activation precision
 * ({@code SAM_DECODE_PRECISION}: q22, the default where its kernel exists, fp32 and q8) and llama.cpp on the
 * same model as Q4_0 ({@link BenchGguf}), batch 1, greedy, the same prompt token ids, {@code --gen-rounds}
 * rounds interleaved (SAM q22, SAM fp32, SAM q8, llama.cpp, ...)
 * so that load changes hit all sides alike; medians, ratios, and the decode's achieved weight bandwidth
 * against a STREAM triad ({@link TriadRun}) measured in the same run.
 * Rates: decode = (new tokens − 1) / time from the first to the last new token on both sides (each
 * token after the first costs one forward of one token); prefill = seconds for the whole prompt in one
 * call. Bytes per token = the weight file (safetensors / GGUF): every matrix is read once per token, the
 * tied embedding as the output head.
 *
 * <pre>ObjectNode cmp = new GenBench(o, jvm, log).run(models.q4(), progress);</pre>
 */
public final class GenBench {
    /** The side SAM runs by default (SAM_DECODE_PRECISION unset) on a CPU with this instruction set. */
    static String defaultSide(String isa) {
        return int8Kernels(isa) ? "sam_" + Natives.DEFAULT_DECODE_PRECISION : "sam_fp32";
    }

    /** The int8 decode kernels (q22, q8) run on x86-64 with AVX2 and on arm64 NEON. */
    private static boolean int8Kernels(String isa) {
        return isa.equals("avx2") || isa.equals("avx512") || isa.equals("neon");
    }

    private final BenchOptions o;
    private final ChildJvm jvm;
    private final PrintStream log;

    public GenBench(BenchOptions o, ChildJvm jvm, PrintStream log) {
        this.o = o;
        this.jvm = jvm;
        this.log = log;
    }

    public ObjectNode run(Path q4, ProgressListener progress) throws IOException {
        String threads = Integer.toString(o.threads());
        ObjectNode res = Json.mapper().createObjectNode();
        log.println("bench: STREAM triad, " + threads + " threads");
        ObjectNode triad = TrainBench.strip(jvm.run("stream-triad", TriadRun.class, List.of("threads=" + threads),
                Map.of(), List.of()));
        res.set("stream_triad", triad);
        LlamaPeer peer = o.runs("llama") ? LlamaPeer.locate(Path.of(System.getProperty("sam.llamacpp.modules",
                ".ci/llama-cpp/node_modules")), o.work().resolve("logs")) : null;
        Path gguf = null;
        if (peer != null && peer.missing() == null) {
            log.println("bench: Q4_0 GGUF of the 4-bit model for llama.cpp");
            gguf = BenchGguf.ensure(q4, progress);
        } else {
            res.put("llama_cpp_skipped", peer == null ? "--skip llama" : peer.missing());
            log.println("bench: llama.cpp peer skipped: " + res.get("llama_cpp_skipped").asText());
        }
        String isa = NativeKernels.builtinIsa();
        List<String> sides = new ArrayList<>(int8Kernels(isa) ? List.of("sam_q22", "sam_fp32", "sam_q8") : List.of("sam_fp32"));
        res.put("default_side", defaultSide(isa));
        if (gguf != null) {
            sides.add("llama_cpp");
        }
        int[] ids = BenchData.tokens(1000, 1, o.genPrompt(), o.shape().vocabSize(), 0);
        Map<String, ArrayNode> runs = new LinkedHashMap<>();
        sides.forEach(s -> runs.put(s, Json.mapper().createArrayNode()));
        for (int round = 0; round < o.genRounds(); round++) {
            for (String side : sides) {
                log.printf("bench: generation round %d/%d, %s%n", round + 1, o.genRounds(), side);
                String name = "gen-" + side + "-" + round;
                ObjectNode r = side.equals("llama_cpp") ? peer.run(name, gguf, ids, o.genNew(), o.threads())
                        : greedy(jvm.run(name, NativeGenRun.class, List.of("model=" + q4, "prompt=" + o.genPrompt(),
                                "new=" + o.genNew(), "modes=greedy"), Map.of("SAM_THREADS", threads,
                                "SAM_DECODE_PRECISION", side.substring("sam_".length())), List.of()));
                runs.get(side).add(TrainBench.strip(r));
            }
        }
        double triadGbs = triad.path("triad_gb_s").asDouble();
        ObjectNode sum = res.putObject("summary");
        for (String side : sides) {
            long bytes = Files.size(side.equals("llama_cpp") ? gguf : q4.resolve("model.safetensors"));
            double[] dec = new double[o.genRounds()];
            double[] pre = new double[o.genRounds()];
            for (int i = 0; i < o.genRounds(); i++) {
                JsonNode r = runs.get(side).get(i);
                dec[i] = (r.path("new_tokens").asInt() - 1) / r.path("decode_s").asDouble();
                pre[i] = r.path("prefill_s").asDouble();
            }
            ObjectNode s = sum.putObject(side);
            s.put("decode_tokens_per_s", BenchData.median(dec));
            s.put("prefill_s", BenchData.median(pre));
            s.put("prefill_tokens_per_s", o.genPrompt() / BenchData.median(pre));
            s.put("weight_bytes_per_token", bytes);
            s.put("decode_gb_per_s", bytes * BenchData.median(dec) / 1e9);
            s.put("decode_fraction_of_triad", bytes * BenchData.median(dec) / 1e9 / triadGbs);
            s.set("decode_tokens_per_s_rounds", Json.tree(dec));
            s.set("prefill_s_rounds", Json.tree(pre));
        }
        if (sum.has("llama_cpp")) {
            double ld = sum.path("llama_cpp").path("decode_tokens_per_s").asDouble();
            double lp = sum.path("llama_cpp").path("prefill_s").asDouble();
            for (String side : sides) {
                if (side.startsWith("sam")) {
                    ObjectNode s = (ObjectNode) sum.get(side);
                    s.put("decode_vs_llama_cpp", s.path("decode_tokens_per_s").asDouble() / ld);
                    s.put("prefill_vs_llama_cpp", lp / s.path("prefill_s").asDouble());
                }
            }
            JsonNode first = runs.get("llama_cpp").get(0);
            res.set("llama_cpp_versions", first.path("versions"));
            res.put("llama_cpp_system_info", first.path("system_info").asText());
        }
        res.set("runs", Json.tree(runs));
        return res;
    }

    /** The greedy mode of a NativeGenRun result, flattened (prefill_s, decode_s, new_tokens) with its backend. */
    private static ObjectNode greedy(ObjectNode r) {
        ObjectNode m = (ObjectNode) r.path("modes").get(0);
        ObjectNode out = m.deepCopy();
        out.put("backend", r.path("backend").asText());
        out.put("decode_precision", r.path("decode_precision").asText());
        out.put("peak_rss_bytes", r.path("peak_rss_bytes").asLong());
        for (String k : List.of("wall_s", "loadavg_before", "loadavg_after")) {
            out.set(k, r.get(k));
        }
        return out;
    }
}
