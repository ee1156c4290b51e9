package dev.sam.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sam.core.model.Fim;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FIM prompt as tokens is the layout Qwen2.5-Coder's model card documents —
 * {@code <|fim_prefix|>} prefix {@code <|fim_suffix|>} suffix {@code <|fim_middle|>}, each marker one special
 * token — and the tokenizers SAM writes know the FIM tokens in Qwen's order, after the chat tokens.
 */
class FimTokensTest {
    @TempDir
    Path tmp;

    @Test
    void psmPromptTokenizesToTheDocumentedLayout() throws Exception {
        try (Tokenizer t = Tokenizer.load(TestTokenizers.write(tmp, 200))) {
            int pre = t.requireSpecialToken(Fim.PREFIX);
            int suf = t.requireSpecialToken(Fim.SUFFIX);
            int mid = t.requireSpecialToken(Fim.MIDDLE);
            String prefix = "def add(a, b):\n    ";
            String suffix = "\n\nprint(add(1, 2))";
            int[] expected = IntStream.concat(IntStream.concat(IntStream.concat(IntStream.of(pre),
                    IntStream.of(t.encode(prefix))), IntStream.concat(IntStream.of(suf), IntStream.of(t.encode(suffix)))),
                    IntStream.of(mid)).toArray();
            assertArrayEquals(expected, t.encode(Fim.psm(prefix, suffix)));
            assertEquals(Fim.psm(prefix, suffix), t.decode(expected));
            int endOfText = t.requireSpecialToken(SpecialTokens.ENDOFTEXT);
            for (int i = 0; i < Fim.TOKENS.size(); i++) {
                assertEquals(endOfText + SpecialTokens.ALL.size() + i, t.requireSpecialToken(Fim.TOKENS.get(i)),
                        Fim.TOKENS.get(i) + " follows the chat tokens in Qwen's order");
            }
        }
    }
}
