package dev.sam.train.tokenizer;

import dev.sam.core.model.Fim;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2.5's special tokens, in the order of their ids (151643, 151644, 151645 in Qwen's vocabulary), and
 * the tokenizers SAM writes itself (tiny and quickstart models): those three, then Qwen2.5-Coder's
 * fill-in-the-middle tokens ({@link Fim#TOKENS}, ids 151659.. in Qwen's), so a tiny model can learn code
 * completion in the same layout as the real one.
 */
public final class SpecialTokens {
    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final List<String> ALL = List.of(ENDOFTEXT, IM_START, IM_END);
    /** Every added token of a tokenizer SAM writes: {@link #ALL}, then the FIM tokens. */
    public static final List<String> WRITTEN = written();

    private SpecialTokens() {
    }

    private static List<String> written() {
        List<String> all = new ArrayList<>(ALL);
        all.addAll(Fim.TOKENS);
        return List.copyOf(all);
    }
}
