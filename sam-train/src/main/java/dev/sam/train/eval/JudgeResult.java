package dev.sam.train.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the judge said about the candidate against the active version. {@code status}: "measured",
 * "not configured", "not run" (nothing to compare), "judge unavailable" or "no usable verdict" (it
 * answered, but never with A, B or a tie). Only a measured result has counts and a p-value; nothing
 * else is ever turned into a score.
 *
 * @param candidateWins prompts where the candidate was preferred in both orders
 * @param activeWins    prompts where the active version was preferred in both orders
 * @param ties          prompts with a tie or a different preference per order (position bias)
 * @param invalid       prompts with an unusable answer in either order (left out)
 * @param pValue        two-sided sign test of candidate against active wins (ties left out)
 * @param prefersActive the active version won more often with {@code pValue < 0.05}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JudgeResult(String status, String detail, int prompts, int candidateWins, int activeWins, int ties,
                          int invalid, Double pValue, boolean prefersActive) {
    public static final String MEASURED = "measured";
    public static final String NOT_CONFIGURED = "not configured";
    public static final String NOT_RUN = "not run";
    public static final String UNAVAILABLE = "judge unavailable";
    public static final String NO_VERDICT = "no usable verdict";
    /** Significance level of the sign test. */
    public static final double ALPHA = 0.05;

    static JudgeResult without(String status, String detail) {
        return new JudgeResult(status, detail, 0, 0, 0, 0, 0, null, false);
    }

    static JudgeResult measured(int prompts, int cand, int active, int ties, int invalid) {
        double p = signTest(cand, active);
        String detail = String.format(java.util.Locale.ROOT, "%d prompts: candidate preferred %d, active %d, %d ties,"
                + " %d unusable; sign test p = %.3f", prompts, cand, active, ties, invalid, p);
        return new JudgeResult(MEASURED, detail, prompts, cand, active, ties, invalid, p, active > cand && p < ALPHA);
    }

    /**
     * Exact two-sided sign test (binomial, p = 1/2) of a against b wins: twice the probability of a split at
     * least as uneven, capped at 1 (Conover, "Practical Nonparametric Statistics", the sign test).
     */
    static double signTest(int a, int b) {
        int n = a + b;
        if (n == 0) {
            return 1.0;
        }
        int k = Math.min(a, b);
        double tail = 0;
        double c = Math.pow(0.5, n); // C(n, 0) / 2^n
        for (int i = 0; i <= k; i++) {
            tail += c;
            c = c * (n - i) / (i + 1);
        }
        return Math.min(1.0, 2 * tail);
    }
}
