package dev.sam.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.train.eval.BenchmarkSlice;
import dev.sam.train.eval.VersionComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sam compare vA vB` on a frozen slice with the real engine on the tiny model; the sign test's exact values. */
class CompareCliTest {
    @TempDir
    Path tmp;

    @Test
    void twoVersionsSideBySideWithPerSampleWins() throws Exception {
        Path root = tmp.resolve("home");
        CliRunner cli = new CliRunner(root);
        assertEquals(0, cli.run("model", "init-tiny").exitCode());
        Files.writeString(root.resolve("config.yaml"), "training:\n  base_model: tiny\n");
        SamHome home = SamHome.of(root).ensureLayout();
        try (Database db = Database.open(home.database())) {
            DeployContext ctx = DeployContext.of(home, db, ConfigLoader.load(home.configFile())).withProbe(null);
            for (int seed = 1; seed <= 2; seed++) {
                Path a = TestAdapters.random(home.baseModel("tiny"), tmp.resolve("a" + seed), seed, "tiny");
                new Deployer(ctx).deploy(DeployRequest.ofPath(a), ProgressListener.NONE);
            }
        }
        CliRunner.Result noSlice = cli.run("compare", "v1.0.0", "v1.0.1");
        assertEquals(3, noSlice.exitCode(), noSlice.toString());
        assertTrue(noSlice.stderr().contains("no frozen benchmark slice"), noSlice.stderr());
        List<BenchmarkSlice.Item> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(new BenchmarkSlice.Item(i % 2 == 0 ? "commits" : "code", "f.py:" + i, List.of(
                    new ChatMessage("user", "question " + i + ": what does def f(x) return?"),
                    new ChatMessage("assistant", "it returns x times " + i)), null));
        }
        Files.createDirectories(home.evalDir());
        AtomicFiles.writeJson(home.benchmarkSlice(), new BenchmarkSlice("slice-test", "2026-01-25T10:00:00", 12, items));

        JsonNode ab = ok(cli, "compare", "v1.0.0", "v1.0.1", "--json");
        assertEquals(12, ab.get("samples").asInt());
        assertEquals(12, ab.get("per_sample").size());
        long winsA = 0;
        long winsB = 0;
        double weighted = 0;
        long targets = 0;
        for (JsonNode s : ab.get("per_sample")) {
            winsA += s.get("winner").asText().equals("a") ? 1 : 0;
            winsB += s.get("winner").asText().equals("b") ? 1 : 0;
            weighted += s.get("loss_a").asDouble() * s.get("targets").asLong();
            targets += s.get("targets").asLong();
        }
        assertEquals(winsA, ab.at("/a/wins").asLong());
        assertEquals(winsB, ab.at("/b/wins").asLong());
        assertEquals(ab.at("/a/loss").asDouble(), weighted / targets, 1e-9, "the slice loss is the per-sample mean");
        assertTrue(winsA + winsB > 0, "two different random adapters differ somewhere: " + ab);
        assertEquals(VersionComparison.signTest(winsA, winsB), ab.get("sign_test_p").asDouble(), 1e-12);

        CliRunner.Result human = cli.run("compare", "v1.0.0", "v1.0.1", "--samples");
        assertTrue(human.stdout().contains("sign test p ="), human.toString());
        assertTrue(human.stdout().contains("f.py:11"), "per-sample rows: " + human.stdout());
        CliRunner.Result same = cli.run("compare", "v1.0.1", "v1.0.1");
        assertEquals(2, same.exitCode(), same.toString());
    }

    @Test
    void signTestMatchesTheBinomialByHand() {
        assertEquals(1.0, VersionComparison.signTest(0, 0));
        assertEquals(1.0, VersionComparison.signTest(5, 5));
        assertEquals(2 * 11 / 1024.0, VersionComparison.signTest(1, 9), 1e-15); // 2·(C(10,0)+C(10,1))/2^10
        assertEquals(2 * 11 / 1024.0, VersionComparison.signTest(9, 1), 1e-15);
        assertEquals(2 / 1048576.0, VersionComparison.signTest(20, 0), 1e-18);
    }

    private static JsonNode ok(CliRunner cli, String... args) throws Exception {
        CliRunner.Result r = cli.run(args);
        assertEquals(0, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.stdout());
    }
}
