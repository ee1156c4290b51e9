package dev.sam.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.SamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained byte-level BPE written as tokenizer.json loads in DJL and round-trips any UTF-8 text. */
class TokenizerRoundTripTest {
    @TempDir
    static Path dir;
    static BpeVocabulary bpe;

    @BeforeAll
    static void train() throws Exception {
        bpe = new ByteLevelBpeTrainer(300).train(BuiltinCorpus.texts());
        TokenizerFiles.write(dir, bpe);
    }

    @Test
    void roundTripsArbitraryText() {
        List<String> texts = List.of("hello world", "  leading and trailing spaces  ", "tabs\tand\nnewlines\r\n\n",
                "Ünïcödé naïve café Grüße", "日本語のテキストと中文", "emoji 🙂🚀✅👩‍👩‍👧 flags 🇩🇪",
                "combining e\u0301 vs \u00e9", "public static void main(String[] args) { return; }",
                "def f(x):\n    return x ** 2  # square\n", "\u0000 nul and \u007f del", "",
                "x".repeat(3000), "<|im_start|>user\nhi<|im_end|>\n");
        try (Tokenizer t = Tokenizer.load(dir)) {
            for (String s : texts) {
                int[] ids = t.encode(s);
                assertEquals(s, t.decode(ids), "round trip of " + s);
            }
            assertEquals(3000, t.decode(t.encode("x".repeat(3000))).length(), "no truncation at 512");
        }
    }

    @Test
    void specialTokensAreSingleIdsAfterTheBpeVocabulary() {
        try (Tokenizer t = Tokenizer.load(dir)) {
            int eot = bpe.size();
            assertEquals(eot, t.requireSpecialToken(SpecialTokens.ENDOFTEXT));
            assertEquals(eot + 1, t.requireSpecialToken(SpecialTokens.IM_START));
            assertEquals(eot + 2, t.requireSpecialToken(SpecialTokens.IM_END));
            assertEquals(eot + 2, t.eosTokenId());
            assertEquals(eot + SpecialTokens.WRITTEN.size(), t.vocabSize(), "the chat tokens, then the FIM tokens");
            int[] ids = t.encode("<|im_start|>user\nhi<|im_end|>\n");
            assertEquals(eot + 1, ids[0]);
            assertTrue(java.util.Arrays.stream(ids).anyMatch(i -> i == eot + 2));
            assertEquals("user\nhi\n", t.decode(ids, true));
        }
    }

    @Test
    void mergesCompressCommonText() {
        try (Tokenizer t = Tokenizer.load(dir)) {
            String s = "The training data is split into a training set and a validation set.";
            int[] ids = t.encode(s);
            assertTrue(ids.length < s.length() / 2, "BPE merges shorten common English: " + ids.length);
            assertArrayEquals(ids, t.encode(s), "deterministic");
        }
    }

    @Test
    void missingTokenizerIsAClearError() {
        SamException e = org.junit.jupiter.api.Assertions.assertThrows(SamException.class,
                () -> Tokenizer.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void corruptTokenizerIsAClearError() throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": 3}}");
        SamException e = org.junit.jupiter.api.Assertions.assertThrows(SamException.class, () -> Tokenizer.load(bad));
        assertTrue(e.getMessage().contains("cannot load tokenizer"), e.getMessage());
    }
}
