package dev.sam.deploy.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.SamConfig;
import dev.sam.deploy.RollbackPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many seeded rollouts through the real analysis and step rule (no database, so 200 runs take
 * milliseconds): the error rates the design promises. The false-promotion rate is measured where the
 * non-inferiority test's null hypothesis is hardest to reject — a canary exactly the margin (5 points)
 * worse than the active version — and for one 10 points worse; both must stay below alpha plus a margin
 * for the simulation's own noise (200 runs: binomial standard error of a 5% rate ≈ 1.5 points).
 */
class AbSimulationTest {
    private static final RollbackPolicy HEALTH = RollbackPolicy.from(SamConfig.defaults().rollback());
    private static final List<Integer> STEPS = List.of(10, 25, 50, 100);
    private static final int RUNS = 200;
    private static final int PER_HOUR = 1000;

    private static double rate(AbSimulator.Truth t, java.util.function.Predicate<AbSimulator.Outcome> what) {
        int hits = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            AbSimulator.Outcome o = AbSimulator.run(t, 1000 + seed, PER_HOUR, AbSimulator.plan(STEPS), HEALTH, 400);
            assertTrue(!o.end().equals("running"), "every rollout ends: " + o);
            hits += what.test(o) ? 1 : 0;
        }
        return (double) hits / RUNS;
    }

    @Test
    void falsePromotionRateOfACanaryAtOrBeyondTheMarginStaysBelowAlpha() {
        double atMargin = rate(new AbSimulator.Truth(0.60, 0.55, 0), AbSimulator.Outcome::promoted);
        double worse = rate(new AbSimulator.Truth(0.60, 0.50, 0), AbSimulator.Outcome::promoted);
        System.out.printf("false promotions over %d seeded rollouts: canary 5 points worse %.3f, 10 points worse %.3f"
                + " (alpha %.2f)%n", RUNS, atMargin, worse, AbAnalysis.ALPHA);
        assertTrue(atMargin <= AbAnalysis.ALPHA + 0.02, "at the margin: " + atMargin);
        assertTrue(worse <= AbAnalysis.ALPHA + 0.02, "10 points worse: " + worse);
    }

    @Test
    void powerOfTheDesign() {
        double betterPromoted = rate(new AbSimulator.Truth(0.60, 0.70, 0), AbSimulator.Outcome::promoted);
        double equalPromoted = rate(new AbSimulator.Truth(0.60, 0.60, 0), AbSimulator.Outcome::promoted);
        double worseAbortedEarly = rate(new AbSimulator.Truth(0.60, 0.50, 0),
                o -> !o.promoted() && o.lastShare() < 50);
        double sickAborted = rate(new AbSimulator.Truth(0.60, 0.90, 0.40),
                o -> !o.promoted() && o.reason().startsWith("unhealthy"));
        System.out.printf("over %d seeded rollouts: 10 points better promoted %.3f, equal promoted %.3f,"
                + " 10 points worse aborted before 50%% %.3f, unhealthy aborted %.3f%n", RUNS, betterPromoted,
                equalPromoted, worseAbortedEarly, sickAborted);
        assertTrue(betterPromoted >= 0.95, "better: " + betterPromoted);
        assertTrue(equalPromoted >= 0.80, "equal: " + equalPromoted);
        assertTrue(worseAbortedEarly >= 0.95, "worse: " + worseAbortedEarly);
        assertEquals(1.0, sickAborted, "unhealthy");
    }

    @Test
    void normalDistributionAgreesWithCommonsMath() {
        var n = new org.apache.commons.math3.distribution.NormalDistribution(0, 1);
        for (double z = -6; z <= 6; z += 0.05) {
            assertEquals(n.cumulativeProbability(z), Proportions.normalCdf(z), 2e-7, "Phi(" + z + ")");
        }
    }
}
