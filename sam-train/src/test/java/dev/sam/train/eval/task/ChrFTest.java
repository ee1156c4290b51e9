package dev.sam.train.eval.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** chrF against hand-computed values and sacreBLEU's published test values (its test/test_chrf.py). */
class ChrFTest {
    @Test
    void handComputed() {
        // "aa" vs "ab": 1-grams: hyp {a:2}, ref {a:1,b:1}, common 1 → P 1/2, R 1/2;
        // 2-grams: hyp {aa}, ref {ab}, common 0 → P 0, R 0. Averages P = R = 1/4, so F_β = 1/4 for any β.
        assertEquals(0.25, ChrF.standard().score("aa", "ab"), 1e-12);
        // "abc" vs "abd": orders 1..3 effective; P=R: 2/3, 1/2, 0 → mean 7/18, F = 7/18.
        assertEquals(7.0 / 18, ChrF.standard().score("abc", "abd"), 1e-12);
        // "ab" vs "abcd" (β = 2): 1-grams P 2/2 R 2/4; 2-grams P 1/1 R 1/3 → P = 1, R = 5/12;
        // F2 = 5 · 1 · 5/12 / (4 · 1 + 5/12) = (25/12) / (53/12) = 25/53.
        assertEquals(25.0 / 53, ChrF.standard().score("ab", "abcd"), 1e-12);
        assertEquals(1.0, ChrF.standard().score("Fix parser", "Fix  parser\n"), 1e-12);
        assertEquals(0.0, ChrF.standard().score("", "reference"), 1e-12);
        assertEquals(0.0, ChrF.standard().score("xyz", "abc"), 1e-12);
    }

    @Test
    void sacreBleuEffectiveOrderValues() {
        // sacreBLEU test_chrf.py, test_cases_effective_order (chrF3, order 6, no epsilon smoothing)
        ChrF chrf3 = new ChrF(6, 3, false);
        assertEquals(1.0, chrf3.score("a", "a"), 1e-6);
        assertEquals(0.0, chrf3.score("", "reference"), 1e-6);
        assertEquals(1.0, chrf3.score("a b c", "a b c"), 1e-6);
        assertEquals(1.0, chrf3.score("a b c", "abc"), 1e-6);
        assertEquals(0.0, chrf3.score("", "c"), 1e-6);
        assertEquals(0.25, chrf3.score("aa", "ab"), 1e-6);
    }

    @Test
    void sacreBleuWhitespaceKeptValues() {
        // sacreBLEU test_chrf.py, test_cases_keep_whitespace (chrF3, order 6, whitespace kept): 67.3481606, 65.2414427
        ChrF chrf3 = new ChrF(6, 3, true);
        assertEquals(0.673481606, chrf3.score("Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
                "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."), 1e-8);
        assertEquals(0.652414427, chrf3.score("risk assessment must be made of those who are qualified and expertise in"
                + " the sector - these are the scientists .", "risk assessment has to be undertaken by those who are"
                + " qualified and expert in that area - that is the scientists ."), 1e-8);
    }
}
