package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of `sam cycle` at 10 moments drawn with a fixed seed over the length of a cycle (start-up,
 * canary promotion, collection, training, evaluation, the canary's copy and commit): the next `sam cycle`
 * completes, `sam verify` finds the store consistent, exactly one version is active and at most one is a
 * canary. New commits arrive before every killed cycle, and a canary is promoted on the next cycle
 * (canary_max_age 0s), so the kills fall on every part of the turn. The exact crash points of deploy,
 * promote and collect are covered one by one by their own crash tests.
 */
@Tag("slow") // about 7 minutes on 2 cores: eleven trainings of the tiny model; run with -Pslow
class CycleCrashCliTest {
    private static final int KILLS = 10;
    private static final long MAX_DELAY_MS = 14_000;

    @TempDir
    Path tmp;

    @Test
    void killedAtRandomMomentsTheNextCycleCompletes() throws Exception {
        CycleHome h = new CycleHome(tmp, 30, 15, "min_new_samples: 5\ncanary_max_age: 0s\n");
        h.cycleDeploying("deployed");
        h.continuing();
        Random random = new Random(20260125);
        List<String> report = new ArrayList<>();
        int killed = 0;
        for (int i = 0; i < KILLS; i++) {
            long delay = 300 + (long) (random.nextDouble() * MAX_DELAY_MS);
            h.addCommits(20);
            CliRunner.Running run = new CliRunner(h.root).start("cycle");
            boolean finished = run.process().waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finished) {
                run.process().destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
                assertTrue(run.process().waitFor(30, TimeUnit.SECONDS));
                killed++;
            }
            JsonNode next = h.cycle();
            report.add(delay + " ms: " + (finished ? "finished first" : "killed") + " -> " + next.get("outcome").asText());
            JsonNode verify = h.ok("verify", "--json");
            assertTrue(verify.get("consistent").asBoolean(), "after a kill at " + delay + " ms: " + verify);
            assertEquals(1, h.count("active"), "exactly one active version after a kill at " + delay + " ms");
            assertTrue(h.count("canary") <= 1, "at most one canary after a kill at " + delay + " ms");
        }
        System.out.println("kills: " + report);
        assertTrue(killed >= KILLS / 2, "most moments fall inside a cycle: " + report);
    }
}
