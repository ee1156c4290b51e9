package dev.sam.train.tokenizer;

import java.util.List;

/** Qwen2.5's special tokens, in the order of their ids (151643, 151644, 151645 in Qwen's vocabulary). */
public final class SpecialTokens {
    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final List<String> ALL = List.of(ENDOFTEXT, IM_START, IM_END);

    private SpecialTokens() {
    }
}
