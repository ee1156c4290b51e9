package dev.sam.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.train.run.TrainHomes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end (2) with real CLI processes: two runs trained with `sam train`, the first deployed with
 * `sam deploy`, the second canaried at 50% with `sam canary`; `sam serve` as a child process on a free
 * loopback port answers real chat requests (with the token of SAM_HOME/api_token) from both versions while
 * sam-serve's fault injection (SAM_SERVE_FAULT_VERSION / SAM_SERVE_FAULT_LATENCY_MS, announced at start)
 * slows the canary down; the server's auto-rollback loop sees the canary's reference latency (its time to first
 * token per prompt token, docs/user-guide.md) over the policy's limit and aborts it by itself; later requests all go to the active version; SIGTERM stops the server with
 * exit 0; `sam stats`, `sam list` and `sam verify` show the per-version metrics, the rollback event and a
 * consistent store.
 */
class ServeRollbackE2ECliTest {
    private static final int FAULT_LATENCY_MS = 600;
    private static final int MAX_MEAN_LATENCY_MS = 400;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CliRunner sam;

    private JsonNode ok(String... args) throws Exception {
        CliRunner.Result r = sam.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
        return Json.mapper().readTree(r.stdout());
    }

    @Test
    void aSlowCanaryIsRolledBackByTheServerAndStatsShowIt() throws Exception {
        Path root = tmp.resolve("home");
        sam = new CliRunner(root);
        ok("model", "init-tiny", "--json");
        TrainHomes.config(SamHome.of(root), 100, 300, """
                rollback:
                  window_seconds: 60
                  min_requests: 4
                  max_mean_latency_ms: %d
                """.formatted(MAX_MEAN_LATENCY_MS));
        ok("distill", "import", PipelineE2ECliTest.sessions(tmp.resolve("sessions.jsonl"), 120).toString(), "--json");
        JsonNode t1 = DeployableRuns.train(sam, 1, t -> { });
        JsonNode t2 = DeployableRuns.train(sam, 11, t -> { });
        // a run that is not blessed needs --force (the pipeline test checks the refusal); the validation's
        // generation check runs either way
        JsonNode deployed = ok(force(t1, "deploy", "--run", t1.at("/run/run_id").asText(), "--json"));
        assertEquals("v1.0.0", deployed.at("/version/version").asText());
        JsonNode canary = ok(force(t2, "canary", "--run", t2.at("/run/run_id").asText(), "--traffic", "50", "--json"));
        assertEquals("v1.0.1", canary.at("/version/version").asText(), canary.toString());
        assertEquals("canary", canary.at("/version/status").asText(), canary.toString());

        sam.env("SAM_SERVE_FAULT_VERSION", "v1.0.1").env("SAM_SERVE_FAULT_LATENCY_MS", "" + FAULT_LATENCY_MS);
        CliRunner.Running server = sam.start("serve", "--port", "0", "--json");
        Map<String, Integer> byVersion = new HashMap<>();
        try {
            JsonNode info = awaitStart(server);
            String url = info.get("url").asText();
            assertTrue(url.startsWith("http://127.0.0.1:"), info.toString());
            assertTrue(Files.readString(server.stderr()).contains("TEST FAULT INJECTION"), "announced at start");
            String token = Files.readString(root.resolve("api_token")).strip();
            JsonNode before = get(url + "/api/versions", token);
            assertEquals("v1.0.0", before.get("active").asText());
            assertEquals("v1.0.1", before.get("canary").asText());

            long deadline = System.currentTimeMillis() + 90_000;
            JsonNode decision = null;
            while (decision == null && System.currentTimeMillis() < deadline) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = chat(url, token);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String v = r.headers().firstValue("X-SAM-Version").orElse("?");
                assertEquals(200, r.statusCode(), v + ": " + r.body());
                assertTrue(Json.mapper().readTree(r.body()).at("/choices/0/message/content").isTextual(), r.body());
                if (v.equals("v1.0.1")) {
                    assertTrue(ms >= FAULT_LATENCY_MS, "the injected latency: " + ms + " ms");
                }
                byVersion.merge(v, 1, Integer::sum);
                JsonNode decisions = get(url + "/api/metrics", token).at("/auto_rollback/decisions");
                decision = decisions.size() > 0 ? decisions.get(0) : null;
            }
            assertTrue(decision != null, "the server aborted the canary by itself; requests: " + byVersion);
            assertEquals("v1.0.1", decision.get("version").asText(), decision.toString());
            assertEquals("canary", decision.get("role").asText(), decision.toString());
            assertTrue(decision.get("reason").asText().contains("reference latency"), decision.toString());
            assertTrue(byVersion.getOrDefault("v1.0.0", 0) > 0 && byVersion.getOrDefault("v1.0.1", 0) >= 4, byVersion
                    .toString());

            JsonNode after = get(url + "/api/versions", token);
            assertEquals("v1.0.0", after.get("active").asText());
            assertFalse(after.hasNonNull("canary"), after.toString());
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = chat(url, token);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("v1.0.0", r.headers().firstValue("X-SAM-Version").orElse("?"), "no canary any more");
            }
        } finally {
            server.process().destroy(); // SIGTERM
        }
        assertTrue(server.process().waitFor(60, TimeUnit.SECONDS), "stopped on SIGTERM");
        CliRunner.Result stopped = server.await(1);
        assertEquals(0, stopped.exitCode(), stopped.toString());
        assertFalse(stopped.stderr().contains("\tat "), stopped.stderr());

        JsonNode stats = ok("stats", "--json");
        assertEquals("v1.0.0", stats.get("active_version").asText(), stats.toString());
        assertFalse(stats.hasNonNull("canary_version"), stats.toString());
        assertEquals(1L, stats.at("/events/auto_rollback").asLong(), stats.toString());
        JsonNode slow = null;
        JsonNode active = null;
        for (JsonNode v : stats.get("requests")) {
            if (v.get("version").asText().equals("v1.0.1")) {
                slow = v;
            } else if (v.get("version").asText().equals("v1.0.0")) {
                active = v;
            }
        }
        assertTrue(slow != null && active != null, stats.get("requests").toString());
        assertEquals(byVersion.get("v1.0.1").longValue(), slow.get("requests").asLong(), "every canary request recorded");
        assertEquals(0, slow.get("errors").asLong());
        assertTrue(slow.get("mean_latency_ms").asDouble() >= FAULT_LATENCY_MS, slow.toString());
        assertEquals(byVersion.get("v1.0.0") + 6L, active.get("requests").asLong(), "every active request recorded");
        assertEquals(0, active.get("errors").asLong());
        boolean event = false;
        for (JsonNode e : stats.get("recent_events")) {
            event |= e.get("kind").asText().equals("auto_rollback") && e.get("version").asText().equals("v1.0.1");
        }
        assertTrue(event, "the rollback event names the canary: " + stats.get("recent_events"));

        JsonNode list = ok("list", "--json");
        assertEquals("v1.0.0", list.get("active").asText());
        assertEquals("rolled_back", list.at("/versions/0/status").asText(), list.toString());
        assertTrue(ok("verify", "--json").get("consistent").asBoolean());
    }

    private static String[] force(JsonNode run, String... args) {
        if (run.at("/eval/blessed").asBoolean()) {
            return args;
        }
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--force";
        return out;
    }

    private int prompts;

    /** A chat request; each with its own prompt (the policy counts different prompts). */
    private HttpResponse<String> chat(String url, String token) throws Exception {
        String body = "{\"max_tokens\": 8, \"messages\": [{\"role\": \"user\", \"content\": \"Say hello in go. now "
                + prompts++ + "\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer "
                + token).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return Json.mapper().readTree(r.body());
    }

    /** The start JSON of `sam serve --port 0 --json` (its URL). */
    private static JsonNode awaitStart(CliRunner.Running r) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.readString(r.stdout());
            if (out.strip().endsWith("}")) {
                return Json.mapper().readTree(out);
            }
            if (!r.process().isAlive()) {
                throw new AssertionError("sam serve ended: " + Files.readString(r.stderr()));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sam serve did not start: " + Files.readString(r.stderr()));
    }
}
