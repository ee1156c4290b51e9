package dev.sam.train.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE: {@code vocab} maps token strings (in {@link ByteLevel} symbols) to ids
 * 0..size-1, the 256 byte symbols first; {@code merges} are the merge rules in rank order.
 */
public record BpeVocabulary(Map<String, Integer> vocab, List<String[]> merges) {

    public int size() {
        return vocab.size();
    }
}
