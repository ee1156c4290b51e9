package dev.sam.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * One training sample, one JSONL line: Alpaca ({@code instruction, input, output}) or chat
 * ({@code messages}), plus metadata. Fields of the other format are null and not written.
 *
 * @param origin what the sample was made from ({@code commit:repo@sha}, {@code code:repo/path#symbol},
 *               {@code doc:project/file#section}, {@code session:id}, {@code routing:hash}), set by the
 *               collector; samples of one origin land on the same side of a train/valid split. Older
 *               lines without it get one derived by {@link dev.sam.core.sample.SampleOrigin#of}.
 */
public record Sample(
        String id,
        String source,
        Double quality,
        String createdAt,
        String instruction,
        String input,
        String output,
        List<ChatMessage> messages,
        Map<String, Object> meta,
        String origin) {

    /** A sample without a declared origin (see {@link #withOrigin}). */
    public Sample(String id, String source, Double quality, String createdAt, String instruction, String input,
                  String output, List<ChatMessage> messages, Map<String, Object> meta) {
        this(id, source, quality, createdAt, instruction, input, output, messages, meta, null);
    }

    public static Sample alpaca(String id, String source, double quality, String createdAt, String instruction,
                                String input, String output, Map<String, Object> meta) {
        return new Sample(id, source, quality, createdAt, instruction, input, output, null, meta);
    }

    public static Sample chat(String id, String source, double quality, String createdAt,
                              List<ChatMessage> messages, Map<String, Object> meta) {
        return new Sample(id, source, quality, createdAt, null, null, null, List.copyOf(messages), meta);
    }

    /** This sample with the given origin (collectors set it on their candidates). */
    public Sample withOrigin(String newOrigin) {
        return new Sample(id, source, quality, createdAt, instruction, input, output, messages, meta, newOrigin);
    }

    /** This chat sample with other turns. */
    public Sample withMessages(List<ChatMessage> newMessages) {
        return new Sample(id, source, quality, createdAt, instruction, input, output, List.copyOf(newMessages), meta,
                origin);
    }

    @JsonIgnore
    public boolean isChat() {
        return messages != null;
    }

    /**
     * The sample as chat turns (Alpaca maps to user = instruction + blank line + input,
     * assistant = output), without a system prompt; the chat template adds the default one.
     */
    @JsonIgnore
    public List<ChatMessage> asMessages() {
        if (messages != null) {
            return messages;
        }
        String user = input == null || input.isBlank() ? nz(instruction) : nz(instruction) + "\n\n" + input;
        return List.of(new ChatMessage("user", user), new ChatMessage("assistant", nz(output)));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
