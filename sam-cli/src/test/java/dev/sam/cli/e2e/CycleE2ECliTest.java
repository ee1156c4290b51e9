package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sam cycle` through the CLI, several nights on one home whose git repository gains commits between
 * cycles: the first cycle deploys (no version to run a canary against), the next trains on the new commits
 * and starts a canary, a quiet night promotes the canary once it served enough healthy requests and says
 * "nothing to do", new commits train on new + replayed samples (counts from the run record), a canary
 * with failing requests is aborted, and a run that is not blessed leaves the active version alone.
 */
class CycleE2ECliTest {
    @TempDir
    Path tmp;

    @Test
    void nightsOfCollectTrainCanaryPromote() throws Exception {
        CycleHome h = new CycleHome(tmp, 30, 15, "min_new_samples: 10\ncanary_min_requests: 20\ncanary_max_age: never\n");
        CliRunner.Result dry = h.sam.run("cycle", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.stdout().contains("would train"), dry.stdout());
        assertFalse(Files.exists(h.root.resolve("logs/cycle.log")), "a dry run records nothing");

        JsonNode c0 = h.cycleDeploying("deployed");
        assertEquals("v1.0.0", c0.get("version").asText(), c0.toString());
        assertEquals(0, c0.get("samples_replayed").asInt(), "nothing older to replay on the first cycle: " + c0);

        h.continuing();
        h.addCommits(40);
        JsonNode c1 = h.cycleDeploying("canary_started");
        assertTrue(c1.toString().contains("continues from active v1.0.0"), c1.toString());
        String canary = c1.get("version").asText();
        assertEquals("v1.0.1", canary, c1.toString());
        assertEquals(40, c1.get("samples_new").asInt(), "the 40 new commits: " + c1);
        assertEquals(c1.get("samples_new").asInt(), c1.get("samples_replayed").asInt(), "replay 1:1: " + c1);
        JsonNode status = h.ok("status", "--json");
        assertEquals("v1.0.0", status.get("model_version").asText());
        assertEquals(canary, status.at("/deployment/canary_version").asText());
        assertEquals(20, status.at("/deployment/canary_traffic").asInt(), "cycle.canary_traffic default");
        assertEquals("canary_started", status.at("/cycle/last_outcome").asText(), status.toString());
        assertEquals(0, status.at("/cycle/new_samples").asInt(), status.toString());

        CliRunner.Result waiting = h.sam.run("cycle");
        assertEquals(0, waiting.exitCode(), waiting.toString());
        assertTrue(waiting.stdout().contains("canary " + canary + " keeps serving: served 0 of 20 requests"),
                waiting.stdout());

        h.served(canary, 25, true);
        CliRunner.Result quiet = h.sam.run("cycle");
        assertEquals(0, quiet.exitCode(), quiet.toString());
        assertTrue(quiet.stdout().contains("promoted " + canary + " (v1.0.0 retired): served 25 requests"),
                quiet.stdout());
        assertTrue(quiet.stdout().contains("nothing to do: 0 new samples (< 10)"), quiet.stdout());
        assertEquals(canary, h.ok("current", "--json").get("version").asText());

        h.addCommits(40);
        JsonNode c3 = h.cycleDeploying("canary_started");
        String run3 = c3.get("run_id").asText();
        JsonNode run = Json.mapper().readTree(Files.readString(h.root.resolve("runs/" + run3 + "/run.json")));
        int fresh = run.at("/metrics/samples_new").asInt();
        int replayed = run.at("/metrics/samples_replayed").asInt();
        assertEquals(40, fresh, "the new commits' samples, not everything: " + run);
        assertEquals(fresh, replayed, "as many replayed older samples as new ones: " + run);
        assertEquals(fresh + replayed, run.get("samples_count").asInt(), run.toString());

        h.served(c3.get("version").asText(), 25, false);
        h.addCommits(15);
        h.rank(4); // fresh rank-4 adapters trained for a few steps cannot match the active version
        CliRunner.Result refused = h.sam.run("cycle", "--json");
        assertEquals(0, refused.exitCode(), "a refused run is a normal outcome: " + refused);
        JsonNode c4 = Json.mapper().readTree(refused.stdout());
        assertEquals("not_blessed", c4.get("outcome").asText(), c4.toString());
        assertTrue(c4.toString().contains("aborted canary " + c3.get("version").asText() + ": error rate 100.0%"),
                c4.toString());
        assertTrue(c4.toString().contains("fresh adapters: the profile"), c4.toString());
        assertEquals(canary, h.ok("current", "--json").get("version").asText(), "the active version is untouched");
        assertEquals(0, h.count("canary"));
        assertTrue(Files.readString(h.root.resolve("logs/cycle.log")).contains("not blessed"));
        JsonNode again = h.cycle();
        assertEquals("nothing_to_do", again.get("outcome").asText(), "the same data and settings are not retrained: "
                + again);
        assertTrue(h.ok("verify", "--json").get("consistent").asBoolean());
    }
}
