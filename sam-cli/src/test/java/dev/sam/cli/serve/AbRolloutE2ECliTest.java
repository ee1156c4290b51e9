package dev.sam.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import dev.sam.core.store.EventRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real CLI and `sam serve` (real engine, tiny model) on 127.0.0.1: a progressive
 * canary started with `sam canary --steps`, chat answers whose ids come back in the body and header,
 * feedback posted with those ids, the running server moving the canary 10% → 50% and promoting it without
 * a restart, and `sam ab status --json` reporting the arms, the test and the decision.
 */
class AbRolloutE2ECliTest {
    @TempDir
    Path tmp;

    private static HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return ServeCliTest.send(b);
    }

    @Test
    void feedbackDrivesAProgressiveCanaryInTheRunningServer() throws Exception {
        Path root = tmp.resolve("home");
        CliRunner cli = new CliRunner(root);
        SamHome home = ServeEngineCliTest.activeAndCanary(tmp, root, cli, "", 5);
        CliRunner.Result bad = cli.run("canary", "--steps", "10,50", "--json");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue((bad.stdout() + bad.stderr()).contains("ending with 100"), bad.toString());
        CliRunner.Result started = cli.run("canary", "--steps", "10,50,100", "--analysis-interval", "1s",
                "--min-samples", "5", "--margin", "0.5", "--max-analyses", "20", "--json");
        assertEquals(0, started.exitCode(), started.toString());
        JsonNode rollout = Json.mapper().readTree(started.stdout());
        assertEquals(10, rollout.get("share").asInt(), rollout.toString());

        CliRunner.Running server = cli.start("serve", "--port", "0", "--json");
        Set<Integer> shares = new LinkedHashSet<>();
        int answers = 0;
        try {
            String url = ServeCliTest.awaitStart(server).get("url").asText();
            String token = Files.readString(root.resolve("api_token")).strip();
            String body = "{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
            long deadline = System.currentTimeMillis() + 120_000;
            String active = "v1.0.0";
            while (!active.equals("v1.0.1") && System.currentTimeMillis() < deadline) {
                HttpResponse<String> chat = post(url + "/v1/chat/completions", body, null);
                assertEquals(200, chat.statusCode(), chat.body());
                String id = Json.mapper().readTree(chat.body()).get("id").asText();
                assertEquals(id, chat.headers().firstValue("X-SAM-Response-Id").orElse(null));
                assertTrue(chat.headers().firstValue("X-SAM-Version").isPresent());
                HttpResponse<String> fb = post(url + "/api/feedback", "{\"id\":\"" + id + "\",\"accepted\":true}", token);
                assertEquals(200, fb.statusCode(), fb.body());
                answers++;
                JsonNode v = Json.mapper().readTree(ServeCliTest.send(HttpRequest.newBuilder(URI.create(url
                        + "/api/versions"))).body());
                active = v.get("active").asText();
                if (v.hasNonNull("canary")) {
                    shares.add(v.get("canary_traffic").asInt());
                }
            }
            assertEquals("v1.0.1", active, "promoted by the running server; shares seen " + shares);
            assertTrue(shares.contains(10) && shares.contains(50), "both steps served: " + shares);
        } finally {
            server.process().destroy();
        }
        assertTrue(server.process().waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, server.await(1).exitCode());

        CliRunner.Result st = cli.run("ab", "status", "--json");
        assertEquals(0, st.exitCode(), st.toString());
        JsonNode s = Json.mapper().readTree(st.stdout());
        assertEquals("promoted", s.get("state").asText(), s.toString());
        assertEquals("[10,50,100]", s.get("steps").toString());
        assertTrue(s.get("state_reason").asText().startsWith("not worse by 50 points"), s.toString());
        JsonNode arms = s.get("arms");
        assertEquals("v1.0.0", arms.get(0).get("version").asText());
        assertEquals("v1.0.1", arms.get(1).get("version").asText());
        long judged = 0;
        for (JsonNode a : arms) {
            assertTrue(a.get("judged").asLong() >= 5, a.toString());
            assertEquals(1.0, a.get("acceptance_rate").asDouble(), a.toString());
            for (String k : new String[] {"requests", "errors", "error_rate", "p50_latency_ms", "p95_latency_ms",
                    "answers", "positive", "edited", "edit_rate"}) {
                assertTrue(a.has(k), k + " in " + a);
            }
            judged += a.get("judged").asLong();
        }
        assertEquals(answers, judged, "every feedback counted once");
        assertTrue(s.at("/test/p_not_worse").isNumber(), s.toString());
        assertTrue(s.at("/test/p_worse").isNumber(), s.toString());
        assertTrue(s.has("decision") && s.has("reason"), s.toString());

        String log = Files.readString(root.resolve("logs/sam.log"));
        assertTrue(log.contains("A/B: canary v1.0.1 advanced 10% -> 50%"), "the step is in the server log");
        assertTrue(log.contains("A/B: canary v1.0.1 promoted"), "the promotion is in the server log");
        try (Database db = Database.open(home.database())) {
            EventRepository events = new EventRepository(db);
            for (String kind : new String[] {"ab_start", "ab_analysis", "ab_step", "ab_promote", "promote"}) {
                assertTrue(events.count(kind) >= 1, kind + " in sam.db's events");
            }
        }
        CliRunner.Result human = cli.run("ab", "status");
        assertTrue(human.stdout().contains("decision:"), human.stdout());
    }
}
