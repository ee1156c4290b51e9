package dev.sam.train.eval.task;

import java.util.HashMap;
import java.util.Map;

/**
 * chrF, the character n-gram F-score of Popović (2015), "chrF: character n-gram F-score for automatic MT
 * evaluation" (WMT15): for n = 1..6, n-gram precision and recall of the hypothesis' characters against
 * the reference's (whitespace removed, n-grams counted with clipping); precision and recall averaged
 * over the orders; F_β = (1 + β²)·P·R / (β²·P + R) with β = 2, the setting Popović (2016) recommends and
 * sacreBLEU uses by default. Orders that one side is too short to have are left out of the averages (the
 * "effective order" of sacreBLEU before 2.0), so a short commit message is not punished for having no
 * 6-grams. Scores are in [0, 1] (sacreBLEU prints them ×100).
 *
 * <pre>double s = ChrF.standard().score("fix null check in parser", "Fix the null check in the parser");</pre>
 */
public final class ChrF {
    private final int order;
    private final double beta;
    private final boolean keepWhitespace;

    public ChrF(int order, double beta, boolean keepWhitespace) {
        this.order = order;
        this.beta = beta;
        this.keepWhitespace = keepWhitespace;
    }

    /** chrF2 with character 6-grams, whitespace removed. */
    public static ChrF standard() {
        return new ChrF(6, 2, false);
    }

    public double score(String hypothesis, String reference) {
        String h = prepare(hypothesis);
        String r = prepare(reference);
        double precision = 0;
        double recall = 0;
        int effective = 0;
        for (int n = 1; n <= order; n++) {
            Map<String, Integer> hg = ngrams(h, n);
            Map<String, Integer> rg = ngrams(r, n);
            int hTotal = h.codePointCount(0, h.length()) - n + 1;
            int rTotal = r.codePointCount(0, r.length()) - n + 1;
            if (hTotal <= 0 || rTotal <= 0) {
                continue;
            }
            int common = 0;
            for (Map.Entry<String, Integer> e : hg.entrySet()) {
                common += Math.min(e.getValue(), rg.getOrDefault(e.getKey(), 0));
            }
            precision += (double) common / hTotal;
            recall += (double) common / rTotal;
            effective++;
        }
        if (effective == 0) {
            return 0;
        }
        precision /= effective;
        recall /= effective;
        if (precision + recall == 0) {
            return 0;
        }
        double b2 = beta * beta;
        return (1 + b2) * precision * recall / (b2 * precision + recall);
    }

    private String prepare(String s) {
        String t = s == null ? "" : s;
        return keepWhitespace ? t : t.replaceAll("\\s+", "");
    }

    /** Counts of the character (code point) n-grams of s. */
    private static Map<String, Integer> ngrams(String s, int n) {
        int[] cps = s.codePoints().toArray();
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= cps.length; i++) {
            m.merge(new String(cps, i, n), 1, Integer::sum);
        }
        return m;
    }
}
