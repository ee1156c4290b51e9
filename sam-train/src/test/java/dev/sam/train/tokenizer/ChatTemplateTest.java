package dev.sam.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.model.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java template against Qwen2.5's Jinja chat_template. The expected strings were rendered from
 * qwen2.5-chat-template.jinja with Jinja2 3.1 configured as transformers does (trim_blocks,
 * lstrip_blocks), messages without tools.
 */
class ChatTemplateTest {
    static ChatMessage m(String role, String content) {
        return new ChatMessage(role, content);
    }

    final ChatTemplate t = ChatTemplate.qwen();
    static final String SYS = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
            + "<|im_end|>\n";

    @Test
    void defaultSystemMessageIsInserted() {
        assertEquals(SYS + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n",
                t.apply(List.of(m("user", "hi"), m("assistant", "hello")), false));
    }

    @Test
    void generationPrompt() {
        assertEquals(SYS + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                t.apply(List.of(m("user", "hi")), true));
        assertEquals(SYS + "<|im_start|>assistant\n", t.apply(List.of(), true), "no messages at all");
    }

    @Test
    void ownSystemMessageAndLaterSystemTurns() {
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb"
                        + "<|im_end|>\n<|im_start|>system\nlate<|im_end|>\n<|im_start|>user\nc<|im_end|>\n"
                        + "<|im_start|>assistant\nd<|im_end|>\n",
                t.apply(List.of(m("system", "Be brief."), m("user", "a"), m("assistant", "b"), m("system", "late"),
                        m("user", "c"), m("assistant", "d")), false));
    }

    @Test
    void consecutiveToolResultsShareOneUserTurn() {
        assertEquals(SYS + "<|im_start|>user\nrun<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n<|im_start|>user\n"
                        + "<tool_response>\nr1\n</tool_response>\n<tool_response>\nr2\n</tool_response><|im_end|>\n"
                        + "<|im_start|>assistant\ndone<|im_end|>\n",
                t.apply(List.of(m("user", "run"), m("assistant", "ok"), m("tool", "r1"), m("tool", "r2"),
                        m("assistant", "done")), false));
    }

    @Test
    void unknownRolesAreRefusedAndTheJinjaSourceShips() {
        assertThrows(IllegalArgumentException.class, () -> t.apply(List.of(m("bot", "x")), false));
        String src = ChatTemplate.jinjaSource();
        assertTrue(src.startsWith("{%- if tools %}") && src.contains(ChatTemplate.DEFAULT_SYSTEM));
    }
}
