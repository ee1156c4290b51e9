package dev.sam.deploy.ab;

/**
 * One-sided tests on two binomial proportions (canary c, baseline b), the large-sample z-tests of
 * Fleiss, Levin &amp; Paik, <i>Statistical Methods for Rates and Proportions</i> (3rd ed., 2003), ch. 4,
 * and the non-inferiority form of Blackwelder, "Proving the null hypothesis" in clinical trials
 * (Controlled Clinical Trials 3, 1982):
 * <ul>
 * <li>{@link #worse}: H0 p_c ≥ p_b against H1 p_c &lt; p_b, pooled standard error — "the canary is
 *     significantly worse";</li>
 * <li>{@link #notWorse}: H0 p_c ≤ p_b − δ against H1 p_c &gt; p_b − δ (non-inferiority with margin δ),
 *     unpooled Wald standard error on the Agresti–Caffo adjusted proportions (one success and one failure
 *     added to each arm: Agresti &amp; Caffo, The American Statistician 54, 2000), which keeps the error
 *     finite at 0% or 100% and holds its level better than the plain Wald test in small samples.</li>
 * </ul>
 * Pure functions; p-values are one-sided.
 */
public final class Proportions {
    private Proportions() {
    }

    /** The one-sided p-value of "canary worse than baseline" (small = significantly worse). */
    public static double worse(long xc, long nc, long xb, long nb) {
        if (nc == 0 || nb == 0) {
            return 1;
        }
        double pc = (double) xc / nc;
        double pb = (double) xb / nb;
        double pool = (double) (xc + xb) / (nc + nb);
        double se = Math.sqrt(pool * (1 - pool) * (1.0 / nc + 1.0 / nb));
        if (se == 0) {
            return 1; // both arms all-positive or all-negative: no evidence of a difference
        }
        return normalCdf((pc - pb) / se);
    }

    /** The one-sided p-value of "canary not worse than baseline by δ or more" (small = non-inferior). */
    public static double notWorse(long xc, long nc, long xb, long nb, double margin) {
        double pc = (xc + 1.0) / (nc + 2.0);
        double pb = (xb + 1.0) / (nb + 2.0);
        double se = Math.sqrt(pc * (1 - pc) / (nc + 2.0) + pb * (1 - pb) / (nb + 2.0));
        return 1 - normalCdf((pc - pb + margin) / se);
    }

    /**
     * Φ(z), the standard normal distribution function, as 0.5·erfc(−z/√2); erfc is the Chebyshev fit of
     * Numerical Recipes in C (2nd ed., §6.2, erfcc), fractional error below 1.2e-7 everywhere.
     */
    public static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
