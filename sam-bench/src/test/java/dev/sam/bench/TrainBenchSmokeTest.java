package dev.sam.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import dev.sam.train.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark harness on a tiny Qwen2 shape (10 layers, hidden 64, vocab 512, seq 32): every child
 * JVM runs (GEMM ceilings on all backends, native trainer, DJL PyTorch, full profile, generation and its
 * comparison rounds with the STREAM triad; llama.cpp where its npm packages are installed), the
 * table and the results file come out, and — the check that keeps the peer honest — PyTorch and the
 * native trainer compute the same losses step after step from the same weights, data and LoRA init.
 */
class TrainBenchSmokeTest {
    static final ModelConfig TINY = new ModelConfig(64, 10, 4, 2, 16, 128, 512, 1_000_000.0, 1e-6, true, 4096,
            "bfloat16", null);

    @Test
    void tinyShapeRunsEveryPartAndTheTwoTrainersAgree(@TempDir Path tmp) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"--work", tmp.resolve("work").toString(), "--results",
            tmp.resolve("results").toString(), "--seq", "32", "--steps", "2", "--warmup", "1", "--full-batch", "2",
            "--gen-prompt", "8", "--gen-new", "8", "--gen-rounds", "2", "--gemm-reps", "1", "--gemm-cpu-ms", "5",
            "--date", "2000-01-01"})
                .withShape("tiny", TINY, 16);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchReport r = new TrainBench(o, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

        Path file = r.write(o.results());
        assertEquals("2000-01-01-train.json", file.getFileName().toString());
        JsonNode j = Json.mapper().readTree(Files.readString(file));
        assertTrue(j.path("gemm").path("builtin").path("peak_gflops").asDouble() > 0, "builtin GEMM ceiling");
        assertEquals(9, j.path("gemm").path("builtin").path("shapes").size());
        for (String run : new String[] {"native", "native-dpo", "native-masked", "torch", "native-full", "native-full-2048"}) {
            JsonNode t = j.path("training").path(run);
            assertTrue(t.path("tokens_per_s").asDouble() > 0, run + " tokens/s");
            assertTrue(t.path("peak_rss_bytes").asLong() > 0, run + " peak RSS");
        }
        assertTrue(j.path("training").path("native").path("mfu").asDouble() > 0, "MFU");
        assertEquals(16, j.path("training").path("native-masked").path("raw").path("scored_per_step").asInt(),
                "the masked batch scores the second half of its 32 tokens");
        JsonNode dpo = j.path("training").path("native-dpo").path("raw");
        assertTrue(dpo.path("dpo").asBoolean() && dpo.path("reference_s").size() == 3, "the DPO step, reference timed apart");
        for (JsonNode l : dpo.path("losses")) {
            assertTrue(l.asDouble() > 0 && l.asDouble() < 2, "a DPO loss near log 2 at the start: " + l);
        }
        assertTrue(j.path("generation").path("modes").size() == 2, "generation modes");
        assertEquals(8, j.path("generation").path("modes").get(0).path("new_tokens").asInt());
        JsonNode peer = j.path("generation").path("peer_comparison");
        assertTrue(peer.path("stream_triad").path("triad_gb_s").asDouble() > 0, "STREAM triad");
        for (String side : new String[] {"sam_q22", "sam_fp32", "sam_q8"}) {
            JsonNode s = peer.path("summary").path(side);
            if (!side.equals("sam_fp32") && !s.isObject()) {
                continue; // no int8 kernel on this CPU
            }
            assertTrue(s.path("decode_tokens_per_s").asDouble() > 0 && s.path("decode_gb_per_s").asDouble() > 0, side);
            assertEquals(2, s.path("decode_tokens_per_s_rounds").size(), side + " rounds");
        }
        // the llama.cpp side runs where .ci/llama-cpp.sh installed node-llama-cpp (-Dsam.llamacpp.modules)
        assertTrue(peer.path("summary").has("llama_cpp") || peer.has("llama_cpp_skipped"), "llama.cpp run or skip reason");
        assertFalse(j.path("versions").path("java").asText().isEmpty(), "versions: java");
        assertFalse(j.path("versions").path("libsamtrain_backend").asText().isEmpty(), "versions: backend");
        assertFalse(j.path("targets").isEmpty(), "targets judged");
        assertTrue(j.path("formulas").path("model_flops").asText().contains("total"), "formula recorded");

        // same weights (4-bit dequantized by each side independently), data, LoRA init and AdamW:
        // the losses of all three steps agree (fp32, different summation orders)
        double diff = j.path("loss_max_rel_diff_native_vs_torch").asDouble();
        assertTrue(diff < 1e-4, "native and PyTorch losses differ by " + diff);
        String table = r.table();
        assertTrue(table.contains("targets") && table.contains("tokens/s"), table);
    }
}
