package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.store.Database;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.VersionsFile;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.Deployer;
import dev.sam.serve.chat.EngineBackends;
import dev.sam.serve.chat.FaultInjectingBackend;
import dev.sam.train.adapters.TestAdapters;
import dev.sam.train.infer.ChatEngine;
import dev.sam.train.infer.GenerationOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance items with the real engine (sam-train's ChatEngine on the tiny model, two deployed
 * adapter versions): completions are the model's own (equal to ChatEngine's greedy answer with the
 * serving version's adapters), streaming adds up to the same text, the canary gets 30% ± 8% of 200
 * requests, and injected failures or latency are rolled back automatically within the window.
 */
class RealEngineTest {
    @TempDir
    Path tmp;
    SamHome home;
    Database db;
    Path model;
    SamConfig config;
    RunningServer server;

    @BeforeEach
    void setUp() throws Exception {
        home = TestHomes.fresh(tmp);
        model = TinyEngineHome.installTiny(home.baseModel(TinyEngineHome.BASE));
        db = Database.open(home.database());
        SamConfig d = SamConfig.defaults();
        config = new SamConfig(new SamConfig.Training(d.training().minSamples(), d.training().defaultProfile(),
                TinyEngineHome.BASE, d.training().profiles()), new SamConfig.Rollback(0.15, 300, 6, 10, 10, true),
                d.models(), d.collect(), new SamConfig.Serve("127.0.0.1", 0, 1 << 20, 64), d.cycle());
        // random adapters loop by design: these tests are about serving them, not about deploy's generation check
        DeployContext ctx = DeployContext.of(home, db, config).withProbe(null);
        new Deployer(ctx).deploy(DeployRequest.ofPath(
                TestAdapters.random(model, tmp.resolve("a1"), 1, TinyEngineHome.BASE)),
                ProgressListener.NONE);
        new Canary(ctx).start(DeployRequest.ofPath(
                TestAdapters.random(model, tmp.resolve("a2"), 2, TinyEngineHome.BASE)).asCanary(30),
                ProgressListener.NONE);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        db.close();
    }

    private Api start(Map<String, String> env) {
        server = new ServeService(home, config, db).start(ServeOptions.of(config).withPort(0).withMonitorMillis(200)
                .withEnv(env).withBackend(EngineBackends.create()));
        return new Api(server.port());
    }

    private String greedy(String version, String prompt, int tokens) {
        try (ChatEngine e = ChatEngine.open(model, home.versionDir(version).resolve("adapters"))) {
            return e.complete(List.of(new ChatMessage("user", prompt)), GenerationOptions.greedy(tokens)).text();
        }
    }

    private static String body(String prompt, int maxTokens, boolean stream) {
        return "{\"model\":\"sam\",\"temperature\":0,\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Test
    void completionsAndStreamsComeFromTheServingVersion() throws Exception {
        Api api = start(Map.of());
        assertTrue(api.get("/api/self").json().at("/status/engine").asText().startsWith("sam-train ChatEngine"));
        String a = greedy("v1.0.0", "Write a haiku about Java.", 16);
        String b = greedy("v1.0.1", "Write a haiku about Java.", 16);
        assertNotEquals(a, b, "the two versions' adapters change the answer");
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            Api.Resp r = api.post("/v1/chat/completions", body("Write a haiku about Java.", 16, false), null);
            assertEquals(200, r.status(), r.body());
            String v = r.header("X-SAM-Version");
            seen.merge(v, 1, Integer::sum);
            JsonNode j = r.json();
            assertEquals(v.equals("v1.0.0") ? a : b, j.at("/choices/0/message/content").asText(), v);
            assertEquals(v, j.get("model").asText());
            assertTrue(j.at("/usage/prompt_tokens").asInt() > 10);
            int n = j.at("/usage/completion_tokens").asInt();
            assertTrue(n >= 1 && n <= 16, "completion tokens " + n);
            assertEquals(n == 16 ? "length" : "stop", j.at("/choices/0/finish_reason").asText());
        }
        assertEquals(Map.of("v1.0.0", 7, "v1.0.1", 3), seen);
        assertTrue(a.length() > 4, "the tiny model said something: '" + a + "'");

        String stop = a.substring(a.length() / 2, a.length() / 2 + 2);
        for (int i = 0; i < 4; i++) {
            Api.Resp r = api.post("/v1/chat/completions", body("Write a haiku about Java.", 16, false)
                    .replace("\"stream\":false", "\"stream\":false,\"stop\":" + dev.sam.core.json.Json.write(stop)), null);
            String full = r.header("X-SAM-Version").equals("v1.0.0") ? a : b;
            String want = full.contains(stop) ? full.substring(0, full.indexOf(stop)) : full;
            assertEquals(want, r.json().at("/choices/0/message/content").asText(), "cut before the stop sequence");
            if (full.contains(stop)) {
                assertEquals("stop", r.json().at("/choices/0/finish_reason").asText());
            }
        }

        Api.Resp s = api.post("/v1/chat/completions", body("Write a haiku about Java.", 16, true), null);
        assertEquals(200, s.status());
        StringBuilder text = new StringBuilder();
        for (JsonNode e : Api.events(s.body())) {
            text.append(e.at("/choices/0/delta/content").asText(""));
        }
        assertTrue(s.body().endsWith("data: [DONE]\n\n"));
        assertEquals(s.header("X-SAM-Version").equals("v1.0.0") ? a : b, text.toString());
    }

    @Test
    void fillInTheMiddleRunsTheFimPromptThroughTheEngineWithExactUsage() throws Exception {
        Api api = start(Map.of());
        String prefix = "def add(a, b):\n    ";
        String suffix = "\n\nprint(add(1, 2))";
        String psm = dev.sam.core.model.Fim.psm(prefix, suffix);
        dev.sam.train.infer.Completion want;
        int promptTokens;
        try (ChatEngine e = ChatEngine.open(model, home.versionDir("v1.0.0").resolve("adapters"))) {
            assertTrue(e.supportsFim(), "the tiny tokenizer knows the FIM tokens");
            want = e.streamRaw(psm, GenerationOptions.greedy(8), t -> { });
            promptTokens = e.tokenizer().encode(psm).length;
        }
        Api.Resp r = api.post("/v1/completions", "{\"model\":\"v1.0.0\",\"temperature\":0,\"max_tokens\":8,"
                + "\"prompt\":" + dev.sam.core.json.Json.write(prefix) + ",\"suffix\":"
                + dev.sam.core.json.Json.write(suffix) + "}", null);
        assertEquals(200, r.status(), r.body());
        assertEquals(want.text(), r.json().at("/choices/0/text").asText());
        assertEquals(promptTokens, r.json().at("/usage/prompt_tokens").asInt(), "usage counts the PSM prompt's tokens");
        assertEquals(want.completionTokens(), r.json().at("/usage/completion_tokens").asInt());
        Api.Resp o = api.post("/api/generate", "{\"model\":\"v1.0.0\",\"stream\":false,\"options\":"
                + "{\"temperature\":0,\"num_predict\":8},\"prompt\":" + dev.sam.core.json.Json.write(prefix)
                + ",\"suffix\":" + dev.sam.core.json.Json.write(suffix) + "}", null);
        assertEquals(want.text(), o.json().get("response").asText(), "Ollama's generate with suffix is the same FIM");
        assertEquals(promptTokens, o.json().get("prompt_eval_count").asInt());
    }

    @Test
    void canaryShareOver200Requests() throws Exception {
        Api api = start(Map.of());
        int canary = 0;
        for (int i = 0; i < 200; i++) {
            Api.Resp r = api.post("/v1/chat/completions", body("hi " + i, 1, false), null);
            assertEquals(200, r.status(), r.body());
            canary += r.header("X-SAM-Version").equals("v1.0.1") ? 1 : 0;
        }
        assertTrue(Math.abs(canary - 60) <= 16, "30% ± 8% of 200, got " + canary);
    }

    @Test
    void injectedErrorsAbortTheCanaryWithinTheWindow() throws Exception {
        Api api = start(Map.of(FaultInjectingBackend.ENV_VERSION, "v1.0.1", FaultInjectingBackend.ENV_ERROR_RATE, "0.5"));
        long t0 = System.currentTimeMillis();
        int served = 0;
        while (!decided() && System.currentTimeMillis() - t0 < 60_000) {
            Api.Resp r = api.post("/v1/chat/completions", body("hello " + served, 2, false), null);
            assertTrue(r.status() == 200 || r.header("X-SAM-Version").equals("v1.0.1"), r.body());
            served++;
        }
        assertEquals(VersionStatus.ROLLED_BACK, status("v1.0.1"), "after " + served + " requests");
        var e = new EventRepository(db).recent("auto_rollback", 1).get(0);
        assertTrue(e.message().startsWith("canary v1.0.1 aborted: error rate"), e.message());
        Thread.sleep(300); // the server re-reads the store within 250 ms (at once when its own monitor acted)
        Api.Resp r = api.post("/v1/chat/completions", body("hello", 2, false), null);
        assertEquals(200, r.status());
        assertEquals("v1.0.0", r.header("X-SAM-Version"));
    }

    @Test
    void injectedLatencyRollsTheActiveVersionBack() throws Exception {
        new dev.sam.deploy.Promoter(DeployContext.of(home, db, config)).promote(); // v1.0.1 active, v1.0.0 retired
        Api api = start(Map.of(FaultInjectingBackend.ENV_VERSION, "v1.0.1", FaultInjectingBackend.ENV_LATENCY_MS, "400"));
        long t0 = System.currentTimeMillis();
        for (int i = 0; !decided() && System.currentTimeMillis() - t0 < 60_000; i++) {
            assertEquals(200, api.post("/v1/chat/completions", body("hello " + i, 2, false), null).status());
        }
        assertEquals(VersionStatus.ACTIVE, status("v1.0.0"));
        var e = new EventRepository(db).recent("auto_rollback", 1).get(0);
        assertTrue(((String) e.data().get("reason")).startsWith("reference latency "), e.data().toString());
        Thread.sleep(300);
        assertEquals("v1.0.0", api.post("/v1/chat/completions", body("hello", 2, false), null).header("X-SAM-Version"));
    }

    /** The monitor's decision is complete (its events are written after the store changed). */
    private boolean decided() {
        return !new EventRepository(db).recent("auto_rollback_policy", 1).isEmpty();
    }

    private VersionStatus status(String v) {
        return new VersionsFile(home).read().stream().filter(x -> x.version().equals(v)).findFirst().orElseThrow()
                .status();
    }
}
