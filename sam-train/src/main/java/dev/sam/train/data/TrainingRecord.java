package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.sample.SampleOrigin;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * One valid training example as loaded from a JSONL line: chat messages (Alpaca and mlx-lm
 * prompt/completion records are mapped to user/assistant turns) or, for mlx-lm {@code {"text"}}
 * records, plain text scored as a whole. {@code file:line} says where it came from; {@code origin} what
 * it was made from (the sample's {@code origin} key, one derived from its metadata, or — for lines that
 * say nothing — its normalized content; {@link SampleOrigin}); {@code kind} its kind within the source
 * ({@link SampleKind}: code/test vs code/main, …), for collect.mix.
 */
public record TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                             Double quality, String origin, String kind) {

    public TrainingRecord {
        if (origin == null) {
            origin = SampleOrigin.content(normalizedContent(messages, text));
        }
        if (kind == null) {
            kind = "sample";
        }
    }

    /** A record whose origin is its content. */
    public TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                          Double quality) {
        this(id, source, file, line, messages, text, quality, null, null);
    }

    /** A record of kind "sample" (mlx-lm files and other lines without a SAM source's metadata). */
    public TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                          Double quality, String origin) {
        this(id, source, file, line, messages, text, quality, origin, null);
    }

    public TrainingRecord withOrigin(String newOrigin) {
        return new TrainingRecord(id, source, file, line, messages, text, quality, newOrigin, kind);
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
        return normalizedContent(messages, text);
    }

    private static String normalizedContent(List<ChatMessage> messages, String text) {
        if (text != null) {
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
