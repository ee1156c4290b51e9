package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.collect.distill.DistillStore;
import dev.sam.core.json.Json;
import dev.sam.core.store.OutcomeRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answer ids on every generating route, POST /api/feedback, its refusals, and a burst of posts. */
class FeedbackApiTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    Api api;
    String token;

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
        f.deploy();
        api = f.start(new EchoBackend());
        token = f.token();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Api.Resp feedback(String body) throws Exception {
        return api.post("/api/feedback", body, token);
    }

    @Test
    void everyAnswerHasAnIdAndTheVersionThatGaveIt() throws Exception {
        Api.Resp chat = api.chat("hello", false);
        assertEquals(200, chat.status());
        String id = chat.json().get("id").asText();
        assertTrue(id.startsWith("chatcmpl-"), id);
        assertEquals(id, chat.header("X-SAM-Response-Id"));
        assertEquals("v1.0.0", chat.header("X-SAM-Version"));
        Api.Resp stream = api.chat("streamed", true);
        String sid = stream.header("X-SAM-Response-Id");
        assertEquals(sid, Api.events(stream.body()).get(0).get("id").asText());
        Api.Resp cmpl = api.post("/v1/completions", "{\"model\":\"sam\",\"prompt\":\"def f(\"}", null);
        assertEquals(cmpl.json().get("id").asText(), cmpl.header("X-SAM-Response-Id"));
        Api.Resp ollama = api.post("/api/chat", "{\"model\":\"sam\",\"stream\":false,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", null);
        assertTrue(ollama.header("X-SAM-Response-Id").startsWith("ollama-"), ollama.raw().headers().toString());
        for (String answer : List.of(id, sid, cmpl.header("X-SAM-Response-Id"), ollama.header("X-SAM-Response-Id"))) {
            Api.Resp r = feedback("{\"id\":\"" + answer + "\",\"rating\":1}");
            assertEquals(200, r.status(), r.body());
            assertEquals("v1.0.0", r.json().get("version").asText());
            assertEquals("positive", r.json().get("counted_as").asText());
        }
        OutcomeRepository.Counts c = new OutcomeRepository(f.db).perVersion(0).get("v1.0.0");
        assertEquals(4, c.responses());
        assertEquals(4, c.positive());
    }

    @Test
    void anEditBecomesOneCorrectionCapture() throws Exception {
        Api.Resp chat = api.chat("write a getter", false);
        String id = chat.json().get("id").asText();
        String answer = chat.json().at("/choices/0/message/content").asText();
        Api.Resp same = feedback("{\"id\":\"" + id + "\",\"edited\":" + Json.write(answer + "\n") + "}");
        assertEquals("positive", same.json().get("counted_as").asText(), "an unchanged edit is an acceptance");
        assertTrue(same.json().get("correction").isNull());
        String body = "{\"id\":\"" + id + "\",\"accepted\":false,\"edited\":\"int getX() { return x; }\"}";
        Api.Resp edited = feedback(body);
        assertEquals(200, edited.status(), edited.body());
        assertEquals("negative", edited.json().get("counted_as").asText());
        assertEquals("stored", edited.json().get("correction").asText());
        assertEquals("duplicate", feedback(body).json().get("correction").asText());
        var counts = new DistillStore(f.db).counts();
        assertEquals(1, counts.captures());
        assertEquals(Map.of("correction", 1L), counts.byKind());
        var stored = new DistillStore(f.db).after(0, 10).get(0).capture();
        assertEquals("write a getter", stored.prompt());
        assertEquals(answer, stored.correction().wrongAnswer());
        assertEquals("int getX() { return x; }", stored.answer());
        try (var q = f.db.connection().createStatement();
             var rs = q.executeQuery("SELECT origin FROM distill_captures")) {
            assertTrue(rs.next());
            assertEquals("sam serve feedback", rs.getString(1), "the capture names where it came from");
        }
        OutcomeRepository.Counts c = new OutcomeRepository(f.db).perVersion(0).get("v1.0.0");
        assertEquals(1, c.judged(), "an answer counts once, by its latest verdict");
        assertEquals(1, c.edited());
        assertEquals(0, c.positive());
    }

    @Test
    void badFeedbackIsRefusedWithTheRightStatus() throws Exception {
        String id = api.chat("x", false).json().get("id").asText();
        Api.Resp none = api.post("/api/feedback", "{\"id\":\"" + id + "\",\"rating\":1}", null);
        assertEquals(401, none.status());
        assertEquals(401, api.post("/api/feedback", "{\"id\":\"" + id + "\",\"rating\":1}", "wrong").status());
        Api.Resp unknown = feedback("{\"id\":\"chatcmpl-nope\",\"rating\":1}");
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().get("error").asText().contains("no answer with id 'chatcmpl-nope'"), unknown.body());
        Api.Resp seven = feedback("{\"id\":\"" + id + "\",\"rating\":7}");
        assertEquals(400, seven.status());
        assertEquals("'rating' must be 1 (thumbs up) or -1 (thumbs down), got 7", seven.json().get("error").asText());
        for (String bad : List.of("{\"rating\":1}", "{\"id\":5,\"rating\":1}", "{\"id\":\"" + id + "\"}",
                "{\"id\":\"" + id + "\",\"rating\":\"1\"}", "{\"id\":\"" + id + "\",\"accepted\":\"yes\"}",
                "{\"id\":\"" + id + "\",\"rating\":1,\"accepted\":false}", "{\"id\":\"" + id + "\",\"acepted\":true}",
                "{\"id\":\"" + id + "\",\"edited\":3}", "[1]", "{not json")) {
            Api.Resp r = feedback(bad);
            assertEquals(400, r.status(), bad + " -> " + r.body());
            assertNotNull(r.json().get("error"), bad);
        }
        assertEquals(405, api.get("/api/feedback").status());
        assertEquals(0, new OutcomeRepository(f.db).feedbackRows(), "nothing refused was stored");
    }

    @Test
    void tenThousandPostsKeepTheServerAnsweringAndLoseNone() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(api.chat("q" + i, false).json().get("id").asText());
        }
        int posts = 10_000;
        int workers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = first; i < posts; i += workers) {
                        String body = "{\"id\":\"" + ids.get(i % ids.size()) + "\",\"rating\":" + (i % 3 == 0 ? -1 : 1) + "}";
                        ok += feedback(body).status() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int answered = 0;
            while (done.stream().anyMatch(d -> !d.isDone())) {
                Api.Resp self = api.get("/api/self");
                assertEquals(200, self.status(), "the server keeps answering during the burst");
                answered++;
                Thread.sleep(50);
            }
            int ok = 0;
            for (Future<Integer> d : done) {
                ok += d.get(120, TimeUnit.SECONDS);
            }
            assertEquals(posts, ok);
            assertTrue(answered > 0);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(posts, new OutcomeRepository(f.db).feedbackRows(), "every post is stored");
        assertEquals(20, new OutcomeRepository(f.db).perVersion(0).get("v1.0.0").judged());
    }
}
