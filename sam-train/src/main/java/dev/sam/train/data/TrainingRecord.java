package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * One valid training example as loaded from a JSONL line: chat messages (Alpaca and mlx-lm
 * prompt/completion records are mapped to user/assistant turns) or, for mlx-lm {@code {"text"}}
 * records, plain text scored as a whole. {@code file:line} says where it came from.
 */
public record TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                             Double quality, String kind) {

    /** A record without a kind (e.g. mlx-lm files): its kind is "sample". */
    public TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                          Double quality) {
        this(id, source, file, line, messages, text, quality, "sample");
    }

    /** The mix slice of this record: {@code source/kind}. */
    public String slice() {
        return SampleKind.sourceName(source) + "/" + kind;
    }

    public boolean isText() {
        return text != null;
    }

    /** "file:line", for messages. */
    public String location() {
        return file + ":" + line;
    }

    /**
     * The content that identifies the example across re-collection: roles and texts, Unicode NFC,
     * whitespace runs collapsed, lower-cased; ids, timestamps and metadata left out.
     */
    public String normalizedContent() {
        if (isText()) {
            return "text\u0000" + normalize(text);
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append('\u0000').append(normalize(m.content())).append('\u0001');
        }
        return sb.toString();
    }

    private static String normalize(String s) {
        if (s == null) {
            return "";
        }
        return Normalizer.normalize(s, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
