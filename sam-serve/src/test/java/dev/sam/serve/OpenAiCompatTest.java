package dev.sam.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI conformance over a real server with the echo engine (which answers with the prompt the engine
 * received): /v1/completions with a suffix renders Qwen2.5-Coder's FIM layout, model selection,
 * /v1/models, unsupported fields refused, every /v1 error in OpenAI's shape, exact usage sums, and the
 * Host allow-list.
 */
class OpenAiCompatTest {
    @TempDir
    Path tmp;
    ServeFixture f;
    Api api;
    EchoBackend backend = new EchoBackend();

    @BeforeEach
    void setUp() throws Exception {
        f = new ServeFixture(tmp);
        f.deploy();
        api = f.start(f.options(backend).withAllowedHosts(List.of("host.docker.internal")));
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

    private static void assertOpenAiError(Api.Resp r, int status, String param, String code) {
        assertEquals(status, r.status(), r.body());
        assertEquals(Set.of("error"), keys(r.json()), r.body());
        JsonNode e = r.json().get("error");
        assertEquals(Set.of("message", "type", "param", "code"), keys(e), r.body());
        assertTrue(e.get("message").isTextual() && !e.get("message").asText().isBlank(), r.body());
        assertEquals(status >= 500 ? "server_error" : "invalid_request_error", e.get("type").asText(), r.body());
        assertEquals(param, e.get("param").isNull() ? null : e.get("param").asText(), r.body());
        assertEquals(code, e.get("code").isNull() ? null : e.get("code").asText(), r.body());
    }

    @Test
    void completionWithSuffixIsRenderedInQwenFimLayout() throws Exception {
        Api.Resp r = api.post("/v1/completions", "{\"model\":\"sam\",\"prompt\":\"def add(a, b):\","
                + "\"suffix\":\"\\n\\nprint(add(1, 2))\",\"max_tokens\":64,\"temperature\":0}", null);
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(Set.of("id", "object", "created", "model", "choices", "usage"), keys(j));
        assertEquals("text_completion", j.get("object").asText());
        assertTrue(j.get("id").asText().startsWith("cmpl-"));
        assertEquals("v1.0.0", j.get("model").asText());
        JsonNode c = j.at("/choices/0");
        assertEquals(Set.of("text", "index", "logprobs", "finish_reason"), keys(c));
        assertEquals("[v1.0.0] <|fim_prefix|>def add(a, b):<|fim_suffix|>\n\nprint(add(1, 2))<|fim_middle|>",
                c.get("text").asText());
        assertTrue(c.get("logprobs").isNull());
        JsonNode u = j.get("usage");
        assertEquals(u.get("prompt_tokens").asInt() + u.get("completion_tokens").asInt(), u.get("total_tokens").asInt());
        assertEquals(5, u.get("completion_tokens").asInt(), "the echo engine's five words");

        r = api.post("/v1/completions", "{\"prompt\":\"x = \",\"max_tokens\":64}", null);
        assertEquals("[v1.0.0] x = ", r.json().at("/choices/0/text").asText(), "no suffix: the prompt as it is");
        r = api.post("/v1/completions", "{\"prompt\":\"" + "w ".repeat(30) + "\"}", null);
        assertEquals("length", r.json().at("/choices/0/finish_reason").asText(), "OpenAI's default of 16 tokens holds");
        assertEquals(16, r.json().at("/usage/completion_tokens").asInt());
    }

    @Test
    void streamedCompletionIsSseChunksEndingInDone() throws Exception {
        Api.Resp r = api.post("/v1/completions", "{\"prompt\":\"p q\",\"suffix\":\"s\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"stop\":[\"<|fim_middle|>\"],\"max_tokens\":50}", null);
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/event-stream"));
        assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
        StringBuilder text = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        JsonNode usage = null;
        for (JsonNode e : Api.events(r.body())) {
            assertEquals("text_completion", e.get("object").asText());
            if (e.hasNonNull("usage")) {
                usage = e.get("usage");
                continue;
            }
            text.append(e.at("/choices/0/text").asText());
            if (!e.at("/choices/0/finish_reason").isNull()) {
                finishes.add(e.at("/choices/0/finish_reason").asText());
            }
        }
        assertEquals("[v1.0.0] <|fim_prefix|>p q<|fim_suffix|>s", text.toString(), "cut at the stop sequence");
        assertEquals(List.of("stop"), finishes);
        assertTrue(usage != null && usage.get("total_tokens").asInt() == usage.get("prompt_tokens").asInt()
                + usage.get("completion_tokens").asInt(), r.body());
    }

    @Test
    void modelSelectsTheServedVersion() throws Exception {
        String canary = f.canary(50);
        for (int i = 0; i < 100 && !api.get("/v1/models").body().contains(canary); i++) {
            Thread.sleep(50); // the server notices the deploy within its 250 ms poll
        }
        for (String m : List.of("active", "v1.0.0", "active:latest")) {
            Api.Resp r = api.post("/v1/chat/completions", "{\"model\":\"" + m + "\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}", null);
            assertEquals(200, r.status(), r.body());
            assertEquals("v1.0.0", r.header("X-SAM-Version"), m);
        }
        for (String m : List.of("canary", canary)) {
            Api.Resp r = api.post("/v1/completions", "{\"model\":\"" + m + "\",\"prompt\":\"x\"}", null);
            assertEquals(canary, r.header("X-SAM-Version"), m);
        }
        Set<String> served = new TreeSet<>();
        for (int i = 0; i < 4; i++) {
            served.add(api.post("/v1/completions", "{\"model\":\"sam\",\"prompt\":\"x\"}", null).header("X-SAM-Version"));
        }
        assertEquals(Set.of("v1.0.0", canary), served, "sam = the routed split");
        List<String> ids = new ArrayList<>();
        Api.Resp models = api.get("/v1/models");
        assertEquals("list", models.json().get("object").asText());
        models.json().get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(List.of("sam", "active", "v1.0.0", "canary", canary), ids);
        assertOpenAiError(api.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", null), 404, "model", "model_not_found");
    }

    @Test
    void unsupportedFieldsAreRefusedNotIgnored() throws Exception {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertOpenAiError(api.post("/v1/chat/completions", "{" + msgs + ",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\"}}]}", null), 400, "tools", "unsupported_parameter");
        assertOpenAiError(api.post("/v1/chat/completions", "{" + msgs + ",\"response_format\":{\"type\":"
                + "\"json_object\"}}", null), 400, "response_format", "unsupported_parameter");
        assertOpenAiError(api.post("/v1/chat/completions", "{" + msgs + ",\"logprobs\":true}", null), 400,
                "logprobs", "unsupported_parameter");
        assertOpenAiError(api.post("/v1/chat/completions", "{" + msgs + ",\"n\":2}", null), 400, "n",
                "unsupported_parameter");
        assertOpenAiError(api.post("/v1/completions", "{\"prompt\":\"x\",\"echo\":true}", null), 400, "echo",
                "unsupported_parameter");
        assertOpenAiError(api.post("/v1/completions", "{\"prompt\":[1,2,3]}", null), 400, "prompt", null);
        assertOpenAiError(api.post("/v1/completions", "{\"prompt\":\"x\",\"temperature\":7}", null), 400,
                "temperature", null);
        assertEquals(200, api.post("/v1/chat/completions", "{" + msgs + ",\"response_format\":{\"type\":\"text\"},"
                + "\"tools\":[],\"logprobs\":false,\"n\":1}", null).status(), "defaults pass");
        assertOpenAiError(api.get("/v1/embeddings"), 404, null, null);
        assertOpenAiError(api.post("/v1/models", "{}", null), 405, null, null);
        assertOpenAiError(api.post("/v1/completions", "{", null), 400, null, null);
        assertEquals(0, backend.calls.get() - 1, "only the accepted request reached the engine");
        Api.Resp sam = api.get("/api/nothing");
        assertEquals(false, sam.json().get("success").asBoolean(), "SAM's own routes keep SAM's error shape");
    }

    private static String get(String host) {
        return "GET /v1/models HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void allowedHostsExtendTheHostCheckAndNothingElse() throws Exception {
        int port = f.server.port();
        String ok = RawHttp.send(port, get("host.docker.internal:" + port));
        assertEquals(200, RawHttp.status(ok), ok);
        assertTrue(RawHttp.send(port, get("HOST.docker.internal:" + port)).startsWith("HTTP/1.1 200"), "names are case-blind");
        for (String host : List.of("evil.example:" + port, "host.docker.internal.evil.example:" + port,
                "host.docker.internal:1", "docker.internal:" + port)) {
            assertEquals(403, RawHttp.status(RawHttp.send(port, get(host))), host);
        }
    }
}
