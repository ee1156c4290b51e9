package dev.sam.serve.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.serve.http.ApiError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
    private static ChatRequest parse(String json) throws Exception {
        return ChatRequest.parse(Json.mapper().readTree(json), 512);
    }

    private static String error(String json) {
        ApiError e = assertThrows(ApiError.class, () -> parse(json));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void defaultsAndFields() throws Exception {
        ChatRequest r = parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(List.of(new ChatMessage("user", "hi")), r.messages());
        assertEquals(512, r.maxTokens());
        assertEquals(0.7, r.temperature());
        assertEquals(0.8, r.topP());
        assertFalse(r.stream());
        assertNull(r.seed());
        r = parse("{\"model\":\"x\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"assistant\","
                + "\"content\":null},{\"role\":\"user\",\"content\":\"u\"}],\"max_tokens\":9000,\"temperature\":0,"
                + "\"top_p\":1,\"stream\":true,\"stop\":\"\\n\",\"seed\":7,\"n\":1,\"logprobs\":false}");
        assertEquals(512, r.maxTokens(), "capped at serve.max_tokens");
        assertEquals(0.0, r.temperature());
        assertTrue(r.stream());
        assertEquals(List.of("\n"), r.stop());
        assertEquals(7L, r.seed());
        assertEquals("", r.messages().get(1).content());
        assertEquals(20, parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":20,"
                + "\"max_tokens\":30}").maxTokens());
    }

    @Test
    void invalidRequestsNameTheField() {
        assertTrue(error("{}").contains("'messages'"));
        assertTrue(error("{\"messages\":[]}").contains("'messages'"));
        assertTrue(error("{\"messages\":[{\"role\":\"user\",\"content\":5}]}").contains("messages[0].content"));
        assertTrue(error("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}")
                .contains("text only"));
        assertTrue(error("{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}]}").contains("last message"));
        String ok = "\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]";
        assertTrue(error("{" + ok + ",\"max_tokens\":0}").contains("max_tokens"));
        assertTrue(error("{" + ok + ",\"max_tokens\":1.5}").contains("max_tokens"));
        assertTrue(error("{" + ok + ",\"temperature\":3}").contains("temperature"));
        assertTrue(error("{" + ok + ",\"top_p\":0}").contains("top_p"));
        assertTrue(error("{" + ok + ",\"stream\":\"yes\"}").contains("stream"));
        assertTrue(error("{" + ok + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}").contains("at most 4"));
        assertTrue(error("{" + ok + ",\"n\":2}").contains("'n'"));
        assertTrue(error("{" + ok + ",\"seed\":\"x\"}").contains("seed"));
    }
}
