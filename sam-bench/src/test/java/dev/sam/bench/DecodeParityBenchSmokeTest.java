package dev.sam.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode-parity benchmark end to end on a short run: its fp32 decode-path loss is the exact forward's
 * (the scoring is right), q8 really ran and stays close, and q22 really ran and is fp32-grade. The int8 kernel exists on x86-64 (AVX2) and
 * arm64; elsewhere the benchmark refuses q8, so the test is skipped there.
 */
class DecodeParityBenchSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void shortRunWritesConsistentNumbers() throws Exception {
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"),
                "no int8 decode kernel on " + arch);
        DecodeParityBench.main(new String[] {"--steps", "40", "--seeds", "1", "--out", tmp.toString()});
        Path f;
        try (Stream<Path> s = Files.list(tmp)) {
            f = s.filter(p -> p.getFileName().toString().endsWith("-decode-parity.json")).findFirst().orElseThrow();
        }
        JsonNode seed = Json.mapper().readTree(f.toFile()).at("/seeds/0");
        double exact = seed.get("held_out_loss_exact_forward").asDouble();
        double fp32 = seed.get("loss_fp32").asDouble();
        double q8 = seed.get("loss_q8").asDouble();
        assertEquals(exact, fp32, 1e-6 * exact, "the fp32 decode path scores as the full forward");
        assertTrue(Math.abs(q8 - fp32) < 0.01 * fp32, "q8 " + q8 + " vs fp32 " + fp32);
        assertTrue(seed.get("kl_mean_nats_q8").asDouble() > 0, "q8 actually ran (an identical path has KL 0)");
        assertTrue(seed.get("top1_agreement_q8").asDouble() > 0.9, seed.toString());
        // q22 is fp32-grade: its loss within 1e-5 of fp32's, KL four orders below q8's, but not 0 (it ran)
        double q22 = seed.get("loss_q22").asDouble();
        assertEquals(fp32, q22, 1e-5 * fp32, "q22 " + q22 + " vs fp32 " + fp32);
        double kl22 = seed.get("kl_mean_nats_q22").asDouble();
        assertTrue(kl22 > 0 && kl22 < 1e-4 * seed.get("kl_mean_nats_q8").asDouble(), "KL q22 " + kl22 + " vs q8 " + seed);
        assertEquals(1.0, seed.get("top1_agreement_q22").asDouble(), 1e-3, seed.toString());
    }
}
