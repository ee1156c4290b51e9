package dev.sam.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelBpeTrainerTest {
    @Test
    void learnsTheMostFrequentPairsFirst() {
        BpeVocabulary v = new ByteLevelBpeTrainer(3).train(List.of("aaab aaab aaab ab ab"));
        assertEquals(3, v.merges().size());
        assertEquals("a a", String.join(" ", v.merges().get(0)), "aa occurs most often");
        assertEquals(259, v.size());
        assertTrue(v.vocab().containsKey("aa"));
    }

    @Test
    void deterministicCompleteAndConsistent() {
        BpeVocabulary a = new ByteLevelBpeTrainer(400).train(BuiltinCorpus.texts());
        BpeVocabulary b = new ByteLevelBpeTrainer(400).train(BuiltinCorpus.texts());
        assertEquals(a.vocab(), b.vocab());
        assertEquals(a.merges().stream().map(m -> m[0] + " " + m[1]).toList(),
                b.merges().stream().map(m -> m[0] + " " + m[1]).toList());
        assertEquals(400, a.merges().size());
        for (int i = 0; i < 256; i++) {
            assertEquals(i, a.vocab().get(String.valueOf(ByteLevel.alphabet(i))), "byte symbol " + i);
        }
        Set<String> pairs = new HashSet<>();
        for (String[] m : a.merges()) {
            assertTrue(a.vocab().containsKey(m[0]) && a.vocab().containsKey(m[1]), "parts known");
            assertTrue(a.vocab().containsKey(m[0] + m[1]), "result known");
            assertTrue(pairs.add(m[0] + " " + m[1]), "no merge twice");
        }
        assertTrue(a.vocab().containsKey("Ġthe"), "learned ' the' (Ġ is the space symbol)");
    }

    @Test
    void stopsWhenNoPairRepeats() {
        BpeVocabulary v = new ByteLevelBpeTrainer(1000).train(List.of("abcdefg"));
        assertEquals(0, v.merges().size());
        assertEquals(256, v.size());
    }

    @Test
    void byteSymbolsFollowGpt2() {
        assertEquals('!', ByteLevel.symbol('!'));
        assertEquals('Ġ', ByteLevel.symbol(' '));
        assertEquals('Ċ', ByteLevel.symbol('\n'));
        assertEquals('Ā', ByteLevel.symbol(0));
        assertEquals("ĠhÃ©", ByteLevel.encode(" hé"));
    }
}
