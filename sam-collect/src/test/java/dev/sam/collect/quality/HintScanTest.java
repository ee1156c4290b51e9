package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass hint scan names exactly the rules whose hints {@code String.contains} finds. */
class HintScanTest {
    private static BitSet naive(List<SecretRule> rules, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        BitSet b = new BitSet();
        for (int r = 0; r < rules.size(); r++) {
            if (rules.get(r).mayMatch(text, lower)) {
                b.set(r);
            }
        }
        return b;
    }

    private static BitSet scan(HintScan s, String text) {
        return s.candidates(text, text.toLowerCase(Locale.ROOT));
    }

    @Test
    void sameRulesAsContainsOnRandomTextsBuiltFromTheHints() {
        List<SecretRule> rules = SecretRules.ALL;
        HintScan s = new HintScan(rules);
        List<String> pieces = rules.stream().flatMap(r -> r.hints().stream()).distinct().toList();
        String noise = "abcxyzABCXYZ0189 =:/@._-\n\t\"'é€😀";
        Random rnd = new Random(7);
        int withSome = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = rnd.nextInt(8);
            for (int p = 0; p < parts; p++) {
                if (rnd.nextInt(3) == 0) {
                    String h = pieces.get(rnd.nextInt(pieces.size()));
                    // whole hints, their prefixes and suffixes (partial matches the automaton must fall back
                    // from), and upper-cased ones (found only by the lower-cased hints)
                    switch (rnd.nextInt(4)) {
                        case 0 -> sb.append(h);
                        case 1 -> sb.append(h, 0, rnd.nextInt(h.length() + 1));
                        case 2 -> sb.append(h.substring(rnd.nextInt(h.length() + 1)));
                        default -> sb.append(h.toUpperCase(Locale.ROOT));
                    }
                } else {
                    int n = rnd.nextInt(6);
                    for (int k = 0; k < n; k++) {
                        sb.appendCodePoint(noise.codePointAt(noise.offsetByCodePoints(0, rnd.nextInt(noise.codePointCount(0, noise.length())))));
                    }
                }
            }
            String text = sb.toString();
            BitSet want = naive(rules, text);
            assertEquals(want, scan(s, text), "text: " + text);
            withSome += want.cardinality() > rules.stream().filter(r -> r.hints().isEmpty()).count() ? 1 : 0;
        }
        assertTrue(withSome > 1000, "the texts exercise the hints: " + withSome);
    }

    @Test
    void overlappingHintsAndRulesWithoutHints() {
        List<SecretRule> rules = List.of(SecretRule.of("a", "<A>", "x", "he", "she"), SecretRule.of("b", "<B>", "x", "hers"),
                SecretRule.of("c", "<C>", "x"), SecretRule.of("d", "<D>", "x", "his").lowerHints());
        HintScan s = new HintScan(rules);
        assertEquals(naive(rules, "ushers"), scan(s, "ushers"));
        assertEquals(BitSet.valueOf(new long[] {0b0111}), scan(s, "ushers"));
        assertEquals(BitSet.valueOf(new long[] {0b1100}), scan(s, "HIS"));
        assertEquals(BitSet.valueOf(new long[] {0b0100}), scan(s, ""));
        assertThrows(IllegalArgumentException.class, () -> new HintScan(List.of(SecretRule.of("e", "<E>", "x", "é"))));
    }
}
