package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.io.Faults;
import dev.sam.cycle.CycleRunner;
import dev.sam.deploy.FaultPoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of `sam cycle` at 10 moments drawn (seeded) from every crash point a cycle passes: its own steps,
 * collect's batch commit, training checkpoints, the canary's copy and commit, the promotion. After each,
 * the next `sam cycle` completes, `sam verify` finds the store consistent, exactly one version is active
 * and at most one is a canary. The canary is promoted on the next cycle (canary_max_age 0s), so a cycle
 * passes promotion, collection, training and the canary start.
 */
class CycleCrashCliTest {
    private static final int KILLS = 10;

    @TempDir
    Path tmp;

    static List<String> points() {
        List<String> p = new ArrayList<>(CycleRunner.FAULT_POINTS);
        p.addAll(List.of("collect.after-journal", "collect.after-append", "collect.after-manifest",
                "train.before-checkpoint", "train.after-checkpoint"));
        p.addAll(FaultPoints.promote());
        for (String s : FaultPoints.COPY) {
            p.add("canary." + s);
        }
        for (String s : FaultPoints.COMMIT) {
            p.add("canary." + s);
        }
        return p;
    }

    @Test
    void killedAtRandomPointsTheNextCycleCompletes() throws Exception {
        CycleHome h = new CycleHome(tmp, 30, 12, "min_new_samples: 5\ncanary_max_age: 0s\n");
        h.cycleDeploying("deployed");
        List<String> points = points();
        Random random = new Random(20260125);
        List<String> report = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            String point = points.get(random.nextInt(points.size()));
            h.addCommits(6);
            CliRunner.Result killed = new CliRunner(h.root).env(Faults.ENV_AT, point).run("cycle");
            assertTrue(killed.exitCode() == 137 || killed.exitCode() == 0, point + ": " + killed);
            JsonNode next = h.cycle();
            report.add(point + (killed.exitCode() == 137 ? " (killed)" : " (not reached)") + " -> "
                    + next.get("outcome").asText());
            JsonNode verify = h.ok("verify", "--json");
            assertTrue(verify.get("consistent").asBoolean(), "after " + point + ": " + verify);
            assertEquals(1, h.count("active"), "exactly one active version after " + point);
            assertTrue(h.count("canary") <= 1, "at most one canary after " + point);
        }
        System.out.println("kills: " + report);
        assertTrue(report.stream().filter(r -> r.contains("(killed)")).count() >= KILLS / 2,
                "most drawn points are on a cycle's path: " + report);
    }
}
