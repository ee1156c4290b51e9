package dev.sam.train.tokenizer;

import dev.sam.core.model.ChatMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Qwen2.5's chat template (the Jinja {@code chat_template} of Qwen/Qwen2.5-Coder-*-Instruct, shipped as
 * {@code qwen2.5-chat-template.jinja} and written into tokenizer_config.json), implemented in Java for
 * messages without tools: {@code <|im_start|>{role}\n{content}<|im_end|>\n} per message, the default
 * system message when the first message is not a system message, consecutive {@code tool} messages
 * wrapped in one user turn as {@code <tool_response>} blocks, and {@code <|im_start|>assistant\n} as the
 * generation prompt.
 *
 * <pre>String prompt = ChatTemplate.qwen().apply(messages, true);</pre>
 */
public final class ChatTemplate {
    public static final String DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
    public static final Set<String> ROLES = dev.sam.core.sample.SampleValidator.READ_ROLES;
    private static final ChatTemplate QWEN = new ChatTemplate();

    private ChatTemplate() {
    }

    public static ChatTemplate qwen() {
        return QWEN;
    }

    /** The Jinja source of the template, for tokenizer_config.json. */
    public static String jinjaSource() {
        try {
            return TokenizerFiles.resource("qwen2.5-chat-template.jinja");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The templated text; roles must be system, user, assistant or tool. */
    public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        if (!messages.isEmpty() && "system".equals(messages.get(0).role())) {
            turn(sb, "system", messages.get(0).content());
        } else {
            turn(sb, "system", DEFAULT_SYSTEM);
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String role = m.role();
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("unknown chat role '" + role + "' (expected " + ROLES + ")");
            }
            if (role.equals("system") && i == 0) {
                continue;
            }
            if (!role.equals("tool")) {
                turn(sb, role, m.content());
                continue;
            }
            if (i == 0 || !"tool".equals(messages.get(i - 1).role())) {
                sb.append(SpecialTokens.IM_START).append("user");
            }
            sb.append("\n<tool_response>\n").append(nz(m.content())).append("\n</tool_response>");
            if (i == messages.size() - 1 || !"tool".equals(messages.get(i + 1).role())) {
                sb.append(SpecialTokens.IM_END).append('\n');
            }
        }
        if (addGenerationPrompt) {
            sb.append(SpecialTokens.IM_START).append("assistant\n");
        }
        return sb.toString();
    }

    private static void turn(StringBuilder sb, String role, String content) {
        sb.append(SpecialTokens.IM_START).append(role).append('\n').append(nz(content)).append(SpecialTokens.IM_END)
                .append('\n');
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
