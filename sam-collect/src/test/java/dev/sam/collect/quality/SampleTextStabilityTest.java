package dev.sam.collect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exact hashes and shingles of a sample are stored in sam.db (dedup across runs), so their values
 * must never change: texts of ASCII and of characters whose lower case is special (Turkish dotted I, Greek
 * final sigma, German sharp s, letters outside the BMP), with every kind of whitespace, against the
 * digest the original code gave.
 */
class SampleTextStabilityTest {
    private static final long STABLE_DIGEST = -9008312394548755118L;

    @Test
    void hashesAndShinglesNeverChange() {
        List<String> pieces = List.of("Hello", "WORLD", "fix", "bug", "in", "Parser.java", "x = y + 1;", "İstanbul",
                "ΟΔΟΣ", "Σίσυφος", "Straße", "𝐀𝐁𝐂", "naïve", "日本語", "42", "a_b", "foo-bar", "don't", "",
                "\u00a0", "\u2003", "\t", "\n", "\r\n", "  ", "İI", "ǅ", "ſ");
        Random r = new Random(5);
        long digest = 17;
        for (int t = 0; t < 400; t++) {
            String[] f = new String[3];
            for (int k = 0; k < 3; k++) {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    sb.append(pieces.get(r.nextInt(pieces.size())));
                    sb.append(r.nextInt(3) == 0 ? "" : r.nextBoolean() ? " " : "  \t");
                }
                f[k] = sb.toString();
            }
            SampleText s = SampleText.ofPair(f[0], f[1], f[2]);
            digest = 31 * digest + s.exactHash().hashCode();
            digest = 31 * digest + Arrays.hashCode(s.shingles());
            digest = 31 * digest + SampleText.normalize(f[0]).hashCode();
        }
        assertEquals(STABLE_DIGEST, digest, "sample hashes or shingles changed: stored ones would no longer match");
    }

    /** Every ASCII character, in random texts: the ASCII path normalizes as the general definition does. */
    @Test
    void asciiNormalizationIsTheGeneralDefinition() {
        Random r = new Random(9);
        for (int t = 0; t < 2000; t++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                sb.append((char) r.nextInt(128));
            }
            String s = sb.toString();
            assertEquals(SampleText.normalizeAny(s), SampleText.normalize(s), () -> "text " + s.chars().boxed().toList());
        }
    }
}
