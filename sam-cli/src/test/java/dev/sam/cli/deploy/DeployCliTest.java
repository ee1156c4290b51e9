package dev.sam.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment and rollback verbs through the real CLI in a child JVM (the original spec's
 * "Deployment" and "Rollback" test categories): deploy, dry run, list, current, stats, version bump,
 * duplicate refused, rollback previous / named / nothing to roll back, canary, adjust, promote, abort.
 */
class DeployCliTest {
    @TempDir
    Path tmp;
    DeployHome h;
    CliRunner cli;

    @BeforeEach
    void setUp() throws Exception {
        h = new DeployHome(tmp);
        cli = h.cli;
    }

    private JsonNode ok(String... args) throws Exception {
        CliRunner.Result r = cli.run(args);
        assertEquals(0, r.exitCode(), r.toString());
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    void deployThenListCurrentAndVersionBump() throws Exception {
        Path a = h.adapters();
        CliRunner.Result human = cli.run("deploy", a.toString(), "--description", "Training run X");
        assertEquals(0, human.exitCode(), human.toString());
        assertTrue(human.stdout().contains("generation check: not run (base model " + h.root.resolve("models/base/"
                + DeployHome.BASE) + " has no weights and no tokenizer.json: only the shapes were checked)"),
                "the engine cannot generate with a config-only base, and says so: " + human.stdout());
        assertTrue(human.stdout().contains("deployed v1.0.0"), human.stdout());

        JsonNode second = ok("deploy", h.adapters().toString(), "--json");
        assertEquals("v1.0.1", second.at("/version/version").asText(), "next patch");
        assertEquals("active", second.at("/version/status").asText());
        assertEquals("v1.0.0", second.get("previous").asText());

        JsonNode list = ok("list", "--json");
        assertEquals("v1.0.1", list.get("active").asText());
        assertEquals("v1.0.1", list.at("/versions/0/version").asText());
        assertEquals("retired", list.at("/versions/1/status").asText());
        assertEquals("Training run X", list.at("/versions/1/description").asText());
        assertEquals(64, list.at("/versions/0/checksum").asText().length());

        JsonNode current = ok("current", "--json");
        assertEquals("v1.0.1", current.get("version").asText());
        assertEquals(h.root.resolve("models/versions/v1.0.1/adapters").toString(), current.get("adapter_path").asText());
        assertEquals(current, ok("versions", "current", "--json"), "versions current is an alias");

        CliRunner.Result table = cli.run("list");
        assertTrue(table.stdout().contains("v1.0.0   retired"), table.stdout());
        h.assertConsistent();
    }

    @Test
    void everyVerbExplainsItselfWithAnExample() throws Exception {
        for (String verb : new String[] {"deploy", "canary", "rollback", "verify"}) {
            CliRunner.Result r = cli.run(verb, "--help");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().startsWith("Usage: sam " + verb), r.stdout());
            assertTrue(r.stdout().contains("sam " + verb + " "), "has an example: " + r.stdout());
        }
    }

    @Test
    void explicitVersionAndDuplicateRefused() throws Exception {
        assertEquals("v3.0.0", ok("deploy", h.adapters().toString(), "--version", "v3.0.0", "--json")
                .at("/version/version").asText());
        CliRunner.Result dup = cli.run("deploy", h.adapters().toString(), "--version", "v3.0.0");
        assertEquals(1, dup.exitCode(), dup.toString());
        assertTrue(dup.stderr().contains("version v3.0.0 already exists"), dup.stderr());
        assertFalse(dup.stderr().contains("at dev.sam"), "no stack trace");
        CliRunner.Result bad = cli.run("deploy", h.adapters().toString(), "--version", "3.0");
        assertEquals(2, bad.exitCode(), bad.toString());
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        ok("deploy", h.adapters().toString(), "--json");
        Path next = h.adapters();
        Map<String, String> before = h.snapshot();
        CliRunner.Result r = cli.run("deploy", next.toString(), "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(before, h.snapshot(), "dry run changed nothing in the store or sam.db");
        for (String want : new String[] {"dry run: would deploy v1.0.1", "validation:", "shapes check: passed",
                "steps:", "(commit point)", "verdict: ready"}) {
            assertTrue(r.stdout().contains(want), want + " in\n" + r.stdout());
        }
        JsonNode plan = ok("deploy", next.toString(), "--dry-run", "--json");
        assertEquals("v1.0.1", plan.get("version").asText());
        assertTrue(plan.get("ok").asBoolean());
        assertTrue(plan.at("/validation/passed").asBoolean());
        assertTrue(plan.get("steps").size() >= 7);
        assertEquals(before, h.snapshot());

        Files.delete(next.resolve("adapter_config.json"));
        CliRunner.Result refused = cli.run("deploy", next.toString(), "--dry-run");
        assertEquals(1, refused.exitCode(), "a dry run of bad adapters exits 1 (usable as a CI gate)");
        assertTrue(refused.stdout().contains("verdict: would be refused"), refused.stdout());
        assertEquals(before, h.snapshot());
    }

    @Test
    void rollbackPreviousNamedAndNothingToRollBack() throws Exception {
        CliRunner.Result none = cli.run("rollback");
        assertEquals(3, none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("nothing to roll back: no version is deployed"), none.stderr());

        h.deployInProcess(3);
        JsonNode prev = ok("rollback", "--reason", "worse answers", "--json");
        assertEquals("v1.0.2", prev.get("from").asText());
        assertEquals("v1.0.1", prev.get("to").asText());
        h.assertConsistent();

        JsonNode named = ok("rollback", "v1.0.0", "--json");
        assertEquals("v1.0.0", named.get("to").asText());
        assertEquals("v1.0.0\n", Files.readString(h.root.resolve("models/versions/current.txt")));
        JsonNode list = ok("list", "--json");
        assertEquals("rolled_back", list.at("/versions/0/status").asText(), "v1.0.2");
        assertEquals("rolled_back", list.at("/versions/1/status").asText(), "v1.0.1 was rolled away from");

        CliRunner.Result nothing = cli.run("rollback");
        assertEquals(3, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.stderr().contains("nothing to roll back"), nothing.stderr());
        assertTrue(nothing.stderr().contains("hint: name a version"), nothing.stderr());
        h.assertConsistent();
    }

    @Test
    void rollbackRefusesATamperedVersion() throws Exception {
        h.deployInProcess(2);
        Path w = h.root.resolve("models/versions/v1.0.0/adapters/adapters.safetensors");
        byte[] b = Files.readAllBytes(w);
        b[b.length / 2] ^= 1;
        Files.write(w, b);
        CliRunner.Result r = cli.run("rollback");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("refusing to roll back to v1.0.0"), r.stderr());
        assertTrue(r.stderr().contains("adapters/adapters.safetensors differs"), r.stderr());
        assertEquals("v1.0.1", h.active());
        CliRunner.Result verify = cli.run("verify");
        assertEquals(1, verify.exitCode());
        assertTrue(verify.stdout().contains("v1.0.0 (retired): adapters/adapters.safetensors differs"), verify.stdout());
    }

    @Test
    void canaryAdjustPromote() throws Exception {
        h.deployInProcess(1);
        JsonNode started = ok("canary", h.adapters().toString(), "--traffic", "10", "--json");
        assertEquals("canary", started.at("/version/status").asText());
        assertEquals(10, started.at("/version/metrics/canary_traffic").asInt());
        assertEquals("v1.0.0", h.active());
        JsonNode status = ok("status", "--json").get("deployment");
        assertTrue(status.get("canary_active").asBoolean());
        assertEquals(10, status.get("canary_traffic").asInt());

        CliRunner.Result two = cli.run("canary", h.adapters().toString(), "--traffic", "5");
        assertEquals(1, two.exitCode());
        assertTrue(two.stderr().contains("only one deployment in flight"), two.stderr());

        JsonNode adjusted = ok("canary", "--traffic", "40", "--json");
        assertEquals(10, adjusted.get("traffic_before").asInt());
        assertEquals(40, adjusted.get("traffic_after").asInt());
        assertEquals(2, cli.run("canary", "--traffic", "100").exitCode());
        assertTrue(cli.run("canary").stdout().contains("canary v1.0.1 at 40% of traffic"));

        JsonNode promoted = ok("promote", "--json");
        assertEquals("v1.0.1", promoted.get("promoted").asText());
        assertEquals("v1.0.1", h.active());
        assertEquals(3, cli.run("promote").exitCode(), "no canary left to promote");
        h.assertConsistent();
    }

    /** Issue 17: a new canary with a progressive plan (PATH or --run with --steps), then sam ab status. */
    @Test
    void aNewCanaryWithStepsStartsAtTheFirstStepAndAbStatusShowsThePlan() throws Exception {
        h.deployInProcess(1);
        CliRunner.Result both = cli.run("canary", h.adapters().toString(), "--steps", "10,50,100", "--traffic", "20");
        assertEquals(2, both.exitCode(), both.toString());
        JsonNode started = ok("canary", h.adapters().toString(), "--steps", "10,50,100", "--analysis-interval", "1h",
                "--json");
        assertEquals(10, started.get("share").asInt(), started.toString());
        assertEquals("v1.0.0", h.active());
        JsonNode ab = ok("ab", "status", "--json");
        assertTrue(ab.toString().contains("v1.0.1") && ab.toString().contains("10"), ab.toString());
        assertEquals(10, ok("status", "--json").at("/deployment/canary_traffic").asInt());
        h.assertConsistent();
    }

    @Test
    void canaryAbortAndStatsWithRequestMetrics() throws Exception {
        h.deployInProcess(1);
        ok("canary", h.adapters().toString(), "--traffic", "20", "--json");
        CliRunner.Result abort = cli.run("canary", "abort", "--reason", "error rate");
        assertEquals(0, abort.exitCode(), abort.toString());
        assertTrue(abort.stdout().contains("canary v1.0.1 aborted (was at 20% of traffic); v1.0.0 stays active"),
                abort.stdout());
        assertEquals("v1.0.0", h.active());

        try (Database db = Database.open(h.root.resolve("sam.db"));
             PreparedStatement ps = db.connection().prepareStatement("INSERT INTO request_metrics(time_ms, version, "
                     + "endpoint, ok, latency_ms, rss_bytes, tokens) VALUES (?,?,?,?,?,?,?)")) {
            for (int i = 1; i <= 10; i++) {
                ps.setLong(1, i);
                ps.setString(2, i <= 4 ? "v1.0.1" : "v1.0.0");
                ps.setString(3, "/v1/chat/completions");
                ps.setInt(4, i == 1 || i == 2 ? 0 : 1);
                ps.setDouble(5, 100 * i);
                ps.setLong(6, 2_000_000_000L);
                ps.setInt(7, 8);
                ps.executeUpdate();
            }
        }
        JsonNode stats = ok("stats", "--json");
        assertEquals(2, stats.get("total_versions").asInt());
        assertEquals(1, stats.at("/events/canary_abort").asInt());
        JsonNode v1 = stats.at("/requests/1");
        assertEquals("v1.0.1", v1.get("version").asText());
        assertEquals(4, v1.get("requests").asInt());
        assertEquals(0.5, v1.get("error_rate").asDouble(), 1e-9);
        assertEquals(250.0, v1.get("mean_latency_ms").asDouble(), 1e-9);
        CliRunner.Result human = cli.run("versions", "stats");
        assertTrue(human.stdout().contains("error rate"), human.stdout());
        assertTrue(human.stdout().contains("50.0%"), human.stdout());
        assertTrue(human.stdout().contains("canary_abort  canary v1.0.1 aborted: error rate"), human.stdout());
    }

    @Test
    void deployFromABlessedRunOnly() throws Exception {
        String id = "20260125_100000";
        Path run = Files.createDirectories(h.root.resolve("runs").resolve(id).resolve("adapters"));
        Path a = h.adapters();
        for (String f : new String[] {"adapters.safetensors", "adapter_config.json"}) {
            Files.copy(a.resolve(f), run.resolve(f));
        }
        CliRunner.Result refused = cli.run("deploy", "--run", id);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("was not evaluated") || refused.stderr().contains("eval.json is missing"),
                refused.stderr());
        Files.writeString(h.root.resolve("runs").resolve(id).resolve("eval.json"), "{\"blessed\": true}");
        JsonNode ok = ok("deploy", "--run", id, "--json");
        assertEquals(id, ok.at("/version/training_run_id").asText());
        assertEquals("passed", ok.at("/plan/validation/checks/7/outcome").asText());
    }
}
