package dev.sam.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.cli.CliRunner;
import dev.sam.core.config.ConfigLoader;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.train.adapters.TestAdapters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `sam serve` as a real process with the real engine on the tiny model: chat from the active version,
 * the test-only fault variables make the canary fail, the server aborts it by itself, SIGTERM stops it
 * with exit 0 and `sam stats` shows the automatic rollback and the per-version requests; POST /api/train
 * runs the real `sam train`, whose refusal (below the threshold) comes back as 409.
 */
class ServeEngineCliTest {
    @TempDir
    Path tmp;

    @Test
    void failingCanaryIsAbortedByTheServerProcess() throws Exception {
        Path root = tmp.resolve("home");
        CliRunner cli = new CliRunner(root);
        activeAndCanary(tmp, root, cli, "rollback:\n  window_seconds: 20\n  min_requests: 5\n", 50);
        cli.env("SAM_SERVE_FAULT_VERSION", "v1.0.1").env("SAM_SERVE_FAULT_ERROR_RATE", "1");
        CliRunner.Running r = cli.start("serve", "--port", "0", "--json");
        try {
            JsonNode info = ServeCliTest.awaitStart(r);
            assertTrue(Files.readString(r.stderr()).contains("TEST FAULT INJECTION"));
            String url = info.get("url").asText();
            long deadline = System.currentTimeMillis() + 60_000;
            boolean aborted = false;
            for (int i = 0; !aborted && System.currentTimeMillis() < deadline; i++) {
                // each its own prompt: the policy counts different prompts
                String body = "{\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hello " + i + "\"}]}";
                HttpResponse<String> c = ServeCliTest.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
                String v = c.headers().firstValue("X-SAM-Version").orElse("");
                assertTrue(c.statusCode() == 200 ? v.equals("v1.0.0") : v.equals("v1.0.1"), c.statusCode() + " " + v);
                JsonNode m = Json.mapper().readTree(ServeCliTest.send(HttpRequest.newBuilder(URI.create(url
                        + "/api/metrics"))).body());
                aborted = m.at("/auto_rollback/decisions").size() > 0;
            }
            assertTrue(aborted, "the canary was aborted by the server");
            String token = Files.readString(root.resolve("api_token")).trim();
            HttpResponse<String> train = ServeCliTest.send(HttpRequest.newBuilder(URI.create(url + "/api/train"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(409, train.statusCode(), train.body());
            JsonNode t = Json.mapper().readTree(train.body());
            assertEquals(3, t.get("exit_code").asInt(), train.body());
            assertTrue(t.get("error").asText().contains("100"), "the threshold in sam train's own message: " + train.body());
        } finally {
            r.process().destroy();
        }
        assertTrue(r.process().waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, r.await(1).exitCode(), r.await(1).toString());
        JsonNode stats = Json.mapper().readTree(cli.run("stats", "--json").stdout());
        assertEquals(1, stats.at("/events/auto_rollback").asInt(), stats.toString());
        assertEquals("v1.0.0", stats.get("active_version").asText());
        assertTrue(!stats.hasNonNull("canary_version"), "no canary any more");
        boolean sawCanaryErrors = false;
        for (JsonNode v : stats.get("requests")) {
            if (v.get("version").asText().equals("v1.0.1")) {
                sawCanaryErrors = v.get("errors").asInt() == v.get("requests").asInt() && v.get("requests").asInt() >= 5;
            }
        }
        assertTrue(sawCanaryErrors, stats.get("requests").toString());
    }

    /**
     * The tiny model (`sam model init-tiny`), config.yaml with {@code extraConfig}, v1.0.0 active and v1.0.1 a
     * canary at {@code share}% — random adapters, deployed in process without the generation check (they loop by
     * design: the tests using this are about serving them).
     */
    static SamHome activeAndCanary(Path tmp, Path root, CliRunner cli, String extraConfig, int share)
            throws Exception {
        assertEquals(0, cli.run("model", "init-tiny").exitCode());
        Files.writeString(root.resolve("config.yaml"), "training:\n  base_model: tiny\n  profiles:\n    8gb:\n"
                + "      lora_layers: -1\n" + extraConfig);
        SamHome home = SamHome.of(root).ensureLayout();
        Path model = home.baseModel("tiny");
        try (Database db = Database.open(home.database())) {
            DeployContext ctx = DeployContext.of(home, db, ConfigLoader.load(home.configFile())).withProbe(null);
            new Deployer(ctx).deploy(DeployRequest.ofPath(TestAdapters.random(model, tmp.resolve("a1"), 1, "tiny")),
                    ProgressListener.NONE);
            new Canary(ctx).start(DeployRequest.ofPath(TestAdapters.random(model, tmp.resolve("a2"), 2, "tiny"))
                    .asCanary(share), ProgressListener.NONE);
        }
        return home;
    }
}
