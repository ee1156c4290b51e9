package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.TestHomes;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.json.Json;
import dev.sam.core.store.Database;
import dev.sam.serve.chat.EngineBackends;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23 "Long prompts" through sam serve with the real engine on the tiny model (context 32,768 tokens): a
 * prompt over the context is refused with a 400 that says so, in each dialect, before any prefill.
 */
class LongPromptTest {
    @TempDir
    Path tmp;
    Database db;
    RunningServer server;
    Api api;

    @BeforeEach
    void setUp() throws Exception {
        SamHome home = TestHomes.fresh(tmp);
        TinyEngineHome.installTiny(home.baseModel(TinyEngineHome.BASE));
        db = Database.open(home.database());
        SamConfig d = SamConfig.defaults();
        SamConfig config = new SamConfig(new SamConfig.Training(d.training().minSamples(), d.training().defaultProfile(),
                TinyEngineHome.BASE, d.training().profiles()), d.rollback(), d.models(), d.collect(),
                new SamConfig.Serve("127.0.0.1", 0, 1 << 20, 16), d.cycle());
        server = new ServeService(home, config, db).start(ServeOptions.of(config).withPort(0).withMonitorMillis(0)
                .withBackend(EngineBackends.create()));
        api = new Api(server.port());
    }

    @AfterEach
    void tearDown() {
        server.stop();
        db.close();
    }

    @Test
    void aPromptOverTheContextIsA400SayingSo() throws Exception {
        String huge = Json.write("a".repeat(40_000)); // 40,000 tokens in the tiny vocabulary
        Api.Resp r = api.post("/v1/chat/completions", "{\"model\":\"sam\",\"messages\":[{\"role\":\"user\",\"content\":"
                + huge + "}]}", null);
        assertEquals(400, r.status(), r.body());
        String m = r.json().at("/error/message").asText();
        assertTrue(m.contains("exceeds the model's context of 32768 tokens") && m.contains("shorten the prompt"), m);
        assertEquals("invalid_request_error", r.json().at("/error/type").asText());
        r = api.post("/api/generate", "{\"model\":\"sam\",\"stream\":false,\"prompt\":" + huge + "}", null);
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().get("error").asText().contains("exceeds the model's context"), r.body());
        // a prompt that fits is answered
        assertEquals(200, api.chat("a short question", false).status());
    }
}
