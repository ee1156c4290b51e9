package dev.sam.train.data;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.split.OriginSplit;
import java.util.List;

/**
 * One DPO preference pair as loaded from {@code training_data/dpo/*.jsonl} (TRL's {@code prompt, chosen,
 * rejected}): two answers to one prompt, the first preferred. {@code origin} is the key the held-out split
 * uses ({@link OriginSplit}): the pair's declared origin, else one made from its prompt, so that every
 * pair of one prompt lands on the same side.
 */
public record PreferenceRecord(String location, String prompt, String chosen, String rejected, String origin) {

    public PreferenceRecord {
        origin = OriginSplit.origin(origin, List.of(new ChatMessage("user", prompt == null ? "" : prompt)), null);
    }

    /** The chat record of the prompt followed by {@code answer}, for the tokenizer. */
    TrainingRecord asRecord(String answer) {
        return new TrainingRecord(null, "dpo", java.nio.file.Path.of(location), 0,
                List.of(new ChatMessage("user", prompt), new ChatMessage("assistant", answer)), null, null, origin);
    }
}
