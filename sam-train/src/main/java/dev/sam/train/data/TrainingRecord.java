package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.split.OriginSplit;
import java.nio.file.Path;
import java.util.List;

/**
 * One valid training example as loaded from a JSONL line: chat messages (Alpaca and mlx-lm
 * prompt/completion records are mapped to user/assistant turns) or, for mlx-lm {@code {"text"}}
 * records, plain text scored as a whole. {@code file:line} says where it came from.
 */
public record TrainingRecord(String id, String source, Path file, int line, List<ChatMessage> messages, String text,
                             Double quality) {

    public boolean isText() {
        return text != null;
    }

    /** "file:line", for messages. */
    public String location() {
        return file + ":" + line;
    }

    /** The key {@link OriginSplit} splits by: the normalized content until samples carry an origin. */
    public String splitKey() {
        return OriginSplit.key(null, messages, text);
    }

    /** The content that identifies the example across re-collection ({@link OriginSplit#contentKey}). */
    public String normalizedContent() {
        return OriginSplit.contentKey(messages, text);
    }
}
