package dev.sam.serve.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * OpenAI chat-completions response shapes (non-streamed: {@code chat.completion}; streamed:
 * {@code chat.completion.chunk} events), serialized with SAM's snake_case mapper.
 */
public final class ChatResponses {
    private ChatResponses() {
    }

    /** {@code {"id","object":"chat.completion","created","model","choices":[…],"usage":{…}}}. */
    public record Response(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
        public static Response of(String id, long created, String model, String content, String finishReason,
                                  Usage usage) {
            return new Response(id, "chat.completion", created, model,
                    List.of(new Choice(0, new Message("assistant", content), finishReason)), usage);
        }
    }

    public record Choice(int index, Message message, String finishReason) {
    }

    public record Message(String role, String content) {
    }

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
        public static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion);
        }
    }

    /** One streamed event; usage only on the extra last chunk when stream_options.include_usage is set. */
    public record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {
        public static Chunk of(String id, long created, String model, Delta delta, String finishReason) {
            return new Chunk(id, "chat.completion.chunk", created, model,
                    List.of(new ChunkChoice(0, delta, finishReason)), null);
        }

        public static Chunk usage(String id, long created, String model, Usage usage) {
            return new Chunk(id, "chat.completion.chunk", created, model, List.of(), usage);
        }
    }

    /** finish_reason is always present (null until the last chunk), as OpenAI sends it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChunkChoice(int index, Delta delta, String finishReason) {
    }

    /** The new text; role only on the first chunk; empty on the last. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {
    }
}
