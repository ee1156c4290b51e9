package dev.sam.core.model;

import java.util.List;

/**
 * Fill-in-the-middle prompts in Qwen2.5-Coder's layout. Its model card documents code completion as
 * {@code <|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>}, after which the model writes the
 * middle and ends with {@code <|endoftext|>} — the PSM ("prefix, suffix, middle") order of Bavarian et al.
 * 2022, "Efficient Training of Language Models to Fill in the Middle", §3. The same layout is used to
 * serve {@code POST /v1/completions} with a {@code suffix} and to train on collected FIM samples, so
 * that what the adapter learns is what the editor asks.
 *
 * <pre>String prompt = Fim.psm("def add(a, b):\n    ", "\n\nprint(add(1, 2))");</pre>
 */
public final class Fim {
    public static final String PREFIX = "<|fim_prefix|>";
    public static final String MIDDLE = "<|fim_middle|>";
    public static final String SUFFIX = "<|fim_suffix|>";
    public static final String PAD = "<|fim_pad|>";
    public static final String REPO_NAME = "<|repo_name|>";
    public static final String FILE_SEP = "<|file_sep|>";
    /** Qwen2.5-Coder's FIM/repository tokens, in its vocabulary's order (ids 151659..151664). */
    public static final List<String> TOKENS = List.of(PREFIX, MIDDLE, SUFFIX, PAD, REPO_NAME, FILE_SEP);

    private Fim() {
    }

    /** The PSM prompt whose continuation is the middle. */
    public static String psm(String prefix, String suffix) {
        return PREFIX + prefix + SUFFIX + suffix + MIDDLE;
    }
}
