package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.sample.SampleOrigin;
import dev.sam.core.split.OriginSplit;
import java.nio.file.Path;
import java.util.List;

/**
 * One valid training example as loaded from a JSONL line: chat messages (Alpaca and mlx-lm
 * prompt/completion records are mapped to user/assistant turns) or, for mlx-lm {@code {"text"}}
 * records, plain text scored as a whole. {@code file:line} says where it came from; {@code origin} what
 * it was made from (the sample's {@code origin} key, one derived from its metadata, or — for lines that
 * say nothing — its normalized content; {@link SampleOrigin}), the key {@link OriginSplit} splits by;
 * {@code kind} its kind within the source ({@link SampleKind}: code/test vs code/main, …), for collect.mix.
 */
public record TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                             Double quality, String origin, String kind) {

    public TrainingRecord {
        origin = OriginSplit.origin(origin, messages, text);
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

    /** The content that identifies the example across re-collection ({@link OriginSplit#contentKey}). */
    public String normalizedContent() {
        return OriginSplit.contentKey(messages, text);
    }
}
