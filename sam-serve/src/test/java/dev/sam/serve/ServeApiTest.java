package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over a real server on a free loopback port, with the fake engine: shapes, streaming, errors. */
class ServeApiTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    Api api;
    EchoBackend backend = new EchoBackend();

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
        f.deploy();
        api = f.start(backend);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    @Test
    void selfHasTheOriginalShape() throws Exception {
        Api.Resp r = api.get("/api/self");
        assertEquals(200, r.status());
        JsonNode j = r.json();
        assertEquals(Set.of("success", "explanation", "status", "distillation", "training_stats", "cycle"), keys(j));
        assertTrue(j.get("success").asBoolean());
        assertTrue(j.get("explanation").asText().startsWith("I am SAM"), j.toString());
        JsonNode ts = j.get("training_stats");
        assertEquals(Set.of("model_version", "deployed_at", "last_training", "training_data", "deployment"), keys(ts));
        assertEquals("v1.0.0", ts.get("model_version").asText());
        assertFalse(ts.get("deployed_at").isNull());
        assertTrue(ts.get("last_training").isNull(), "no run yet: null, key present");
        assertEquals(Set.of("total_samples", "min_for_training", "ready_to_train", "distilled_samples"),
                keys(ts.get("training_data")));
        assertEquals(100, ts.get("training_data").get("min_for_training").asInt());
        assertFalse(ts.get("training_data").get("ready_to_train").asBoolean());
        assertEquals(Set.of("total_versions", "rollback_available", "canary_active"), keys(ts.get("deployment")));
        assertEquals(1, ts.get("deployment").get("total_versions").asInt());
        assertFalse(ts.get("deployment").get("canary_active").asBoolean());
        assertEquals("v1.0.0", j.get("status").get("serving").get("active").asText());
        assertEquals("echo (test fake)", j.get("status").get("engine").asText());
        assertTrue(j.get("distillation").has("distilled_samples"));
        JsonNode cycle = j.get("cycle");
        assertEquals(Set.of("new_samples", "new_preference_pairs", "blessed_run", "last_at", "last_outcome",
                "last_message", "next_step"), keys(cycle));
        assertEquals(0, cycle.get("new_samples").asInt());
        assertTrue(cycle.get("last_outcome").isNull(), "no cycle yet: null, key present");
    }

    @Test
    void chatCompletionIsOpenAiShapedAndNamesTheVersion() throws Exception {
        Api.Resp r = api.post("/v1/chat/completions", """
                {"model":"sam","messages":[{"role":"system","content":"be brief"},
                 {"role":"user","content":[{"type":"text","text":"hello "},{"type":"text","text":"there"}]}],
                 "max_tokens":50,"temperature":0.2,"top_p":0.9,"user":"ignored","presence_penalty":0}""", null);
        assertEquals(200, r.status(), r.body());
        assertEquals("v1.0.0", r.header("X-SAM-Version"));
        JsonNode j = r.json();
        assertEquals(Set.of("id", "object", "created", "model", "choices", "usage"), keys(j));
        assertTrue(j.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", j.get("object").asText());
        assertEquals("v1.0.0", j.get("model").asText());
        assertTrue(Math.abs(j.get("created").asLong() - System.currentTimeMillis() / 1000) < 60);
        JsonNode c = j.get("choices").get(0);
        assertEquals(0, c.get("index").asInt());
        assertEquals("assistant", c.get("message").get("role").asText());
        assertEquals("[v1.0.0] hello there", c.get("message").get("content").asText());
        assertEquals("stop", c.get("finish_reason").asText());
        JsonNode u = j.get("usage");
        assertEquals(3, u.get("completion_tokens").asInt());
        assertEquals(u.get("prompt_tokens").asInt() + 3, u.get("total_tokens").asInt());
    }

    @Test
    void maxTokensEndsWithLengthAndStopSequencesCutTheText() throws Exception {
        Api.Resp r = api.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}],\"max_tokens\":2}", null);
        assertEquals("length", r.json().at("/choices/0/finish_reason").asText());
        assertEquals("[v1.0.0] one ", r.json().at("/choices/0/message/content").asText());
        r = api.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}],\"stop\":[\"hree\"]}", null);
        assertEquals("stop", r.json().at("/choices/0/finish_reason").asText());
        assertEquals("[v1.0.0] one two t", r.json().at("/choices/0/message/content").asText());
    }

    @Test
    void streamingSendsChunksThenDone() throws Exception {
        Api.Resp r = api.post("/v1/chat/completions", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}", null);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/event-stream"));
        assertEquals("v1.0.0", r.header("X-SAM-Version"));
        assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
        List<JsonNode> ev = Api.events(r.body());
        assertEquals("assistant", ev.get(0).at("/choices/0/delta/role").asText());
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode e : ev) {
            assertEquals("chat.completion.chunk", e.get("object").asText());
            assertEquals(ev.get(0).get("id").asText(), e.get("id").asText());
            if (e.get("choices").isEmpty()) {
                assertEquals(4, e.at("/usage/completion_tokens").asInt());
                continue;
            }
            assertTrue(e.at("/choices/0").has("finish_reason"), "finish_reason always present: " + e);
            text.append(e.at("/choices/0/delta/content").asText(""));
            if (!e.at("/choices/0/finish_reason").isNull()) {
                finish = e.at("/choices/0/finish_reason").asText();
            }
        }
        assertEquals("[v1.0.0] a b c", text.toString());
        assertEquals("stop", finish);
        assertTrue(ev.size() >= 6, "role + 4 words + finish + usage: " + ev.size());
    }

    @Test
    void badRequestsGetJsonErrorsWithoutStackTraces() throws Exception {
        Api.Resp r = api.post("/v1/chat/completions", "{\"messages\": [", null);
        assertEquals(400, r.status());
        assertEquals("invalid_request_error", r.json().at("/error/type").asText(), r.body());
        assertTrue(r.json().at("/error/message").asText().startsWith("malformed JSON"), r.body());
        r = api.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", null);
        assertEquals(400, r.status());
        assertTrue(r.json().at("/error/message").asText().contains("messages[0].role"), r.body());
        r = api.post("/v1/chat/completions", "[1,2]", null);
        assertEquals(400, r.status());
        r = api.get("/api/nothing");
        assertEquals(404, r.status());
        assertTrue(r.json().get("error").asText().contains("/api/self"));
        r = api.get("/v1/chat/completions");
        assertEquals(405, r.status());
        assertEquals("POST", r.header("Allow"));
        for (String body : List.of(r.body(), api.post("/v1/chat/completions", "{", null).body())) {
            assertFalse(body.contains("Exception") || body.contains("at dev.sam"), body);
        }
        assertEquals(0, backend.calls.get(), "nothing reached the engine");
    }

    @Test
    void engineErrorsAreMappedAndAttributed() throws Exception {
        Api.Resp r = api.chat("<too long>", false);
        assertEquals(400, r.status());
        assertTrue(r.json().at("/error/message").asText().contains("exceeds the model's context"));
        r = api.chat("<fail midway>", false);
        assertEquals(500, r.status());
        assertEquals("generation failed on v1.0.0: native generator failed", r.json().at("/error/message").asText());
        assertEquals("server_error", r.json().at("/error/type").asText());
        r = api.chat("<fail midway>", true);
        assertEquals(200, r.status(), "the stream had started");
        assertFalse(r.body().contains("[DONE]"), r.body());
        List<JsonNode> ev = Api.events(r.body());
        assertEquals("partial ", ev.get(1).at("/choices/0/delta/content").asText());
        assertEquals("server_error", ev.get(ev.size() - 1).at("/error/type").asText());
        JsonNode all = api.get("/api/metrics").json().get("all_time");
        for (JsonNode row : all) {
            if (row.get("version").asText().equals("v1.0.0")) {
                assertEquals(2, row.get("requests").asInt(), "the 400 is the client's, not the version's");
                assertEquals(2, row.get("errors").asInt());
            }
        }
    }

    @Test
    void otherEndpointsAnswer() throws Exception {
        JsonNode v = api.get("/api/versions").json();
        assertEquals("v1.0.0", v.get("active").asText());
        assertTrue(v.get("canary").isNull());
        assertEquals("v1.0.0", v.at("/versions/0/version").asText());
        assertEquals("active", v.at("/versions/0/status").asText());
        JsonNode m = api.get("/v1/models").json();
        assertEquals("list", m.get("object").asText());
        assertEquals("sam", m.at("/data/0/id").asText());
        JsonNode t = api.get("/api/training").json();
        assertFalse(t.at("/training/running").asBoolean());
        assertEquals(0, t.at("/status/training_data/total_samples").asInt());
    }

    @Test
    void everyRequestIsRecordedPerVersion() throws Exception {
        api.chat("x", false);
        api.chat("y", true);
        api.get("/api/self");
        api.get("/nope");
        JsonNode m = api.get("/api/metrics").json();
        JsonNode all = m.get("all_time");
        JsonNode v1 = null;
        JsonNode apiRow = null;
        for (JsonNode row : all) {
            if (row.get("version").asText().equals("v1.0.0")) {
                v1 = row;
            } else if (row.get("version").asText().equals("api")) {
                apiRow = row;
            }
        }
        assertNotNull(v1, m.toString());
        assertEquals(2, v1.get("requests").asInt());
        assertEquals(0, v1.get("errors").asInt());
        assertEquals(4, v1.get("tokens").asInt(), "2 words each");
        assertNotNull(apiRow);
        assertEquals(2, apiRow.get("requests").asInt(), "self + 404 (the metrics call itself is not yet written)");
        assertEquals(1, apiRow.get("errors").asInt());
        assertTrue(m.at("/auto_rollback/enabled").asBoolean());
        f.server.stop();
        f.server = null;
        try (Statement st = f.db.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT endpoint, ok, latency_ms, rss_bytes, tokens FROM request_metrics"
                     + " WHERE version = 'v1.0.0' ORDER BY id")) {
            assertTrue(rs.next());
            assertEquals("chat.completions", rs.getString(1));
            assertEquals(1, rs.getInt(2));
            assertTrue(rs.getDouble(3) > 0);
            assertTrue(rs.getLong(4) > 10_000_000, "RSS of this JVM from /proc/self/status");
            assertEquals(2, rs.getLong(5));
        }
    }

    @Test
    void noModelDeployedServesTheBaseModel() throws Exception {
        f.close();
        f = new ServeFixture(tmp.resolve("fresh"));
        api = f.start(new EchoBackend());
        Api.Resp r = api.chat("hi", false);
        assertEquals(200, r.status(), r.body());
        assertEquals("base", r.header("X-SAM-Version"));
        JsonNode s = api.get("/api/self").json();
        assertNull(s.at("/training_stats/model_version").textValue());
        assertTrue(s.get("explanation").asText().contains("No adapter is deployed yet"));
    }
}
