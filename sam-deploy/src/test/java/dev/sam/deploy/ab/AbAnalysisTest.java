package dev.sam.deploy.ab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.config.SamConfig;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RolloutRepository;
import dev.sam.deploy.RollbackPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tests' numbers worked by hand, and the verdict and step rules at their edges. */
class AbAnalysisTest {
    private static final RollbackPolicy HEALTH = RollbackPolicy.from(SamConfig.defaults().rollback());

    @Test
    void pValuesAgreeWithHandCalculations() {
        // 45/100 vs 60/100: pooled p = 0.525, se = sqrt(0.525 · 0.475 · 0.02) = 0.070622, z = -2.1240, Φ(z) = 0.01683
        assertEquals(0.01683, Proportions.worse(45, 100, 60, 100), 5e-5);
        // 90/100 vs 90/100, δ 0.05: adjusted 91/102 each, se = sqrt(2 · 0.89216 · 0.10784 / 102) = 0.043434,
        // z = 0.05 / 0.043434 = 1.1512, 1 - Φ(z) = 0.12483
        assertEquals(0.12483, Proportions.notWorse(90, 100, 90, 100, 0.05), 5e-5);
        assertEquals(1.0, Proportions.worse(10, 10, 20, 20), "all positive in both arms: no evidence");
        assertTrue(Proportions.notWorse(0, 50, 0, 50, 0.05) < 0.5, "finite at 0%");
    }

    @Test
    void verdictsInTheirOrder() {
        AbAnalysis a = new AbAnalysis(0.05, 0.05, 100, 10, HEALTH);
        var healthy = new RequestMetricsRepository.PerVersion("v2", 500, 0, 0, 40, 40, 60, null, 0, 0, 0);
        var sick = new RequestMetricsRepository.PerVersion("v2", 500, 200, 0.4, 40, 40, 60, null, 0, 0, 0);
        AbAnalysis.Arm base = new AbAnalysis.Arm("v1", 1000, 600);
        assertEquals(AbAnalysis.Verdict.ABORT, a.analyze(base, new AbAnalysis.Arm("v2", 5, 5), sick).verdict());
        AbAnalysis.Result few = a.analyze(base, new AbAnalysis.Arm("v2", 99, 99), healthy);
        assertEquals(AbAnalysis.Verdict.CONTINUE, few.verdict());
        assertTrue(few.reason().contains("canary 99/100"), few.reason());
        assertTrue(Double.isNaN(few.pWorse()));
        AbAnalysis.Result worse = a.analyze(base, new AbAnalysis.Arm("v2", 200, 90), healthy);
        assertEquals(AbAnalysis.Verdict.ABORT, worse.verdict(), worse.reason());
        assertTrue(worse.reason().startsWith("significantly worse"), worse.reason());
        AbAnalysis.Result same = a.analyze(new AbAnalysis.Arm("v1", 3000, 1800), new AbAnalysis.Arm("v2", 3000, 1800),
                healthy);
        assertEquals(AbAnalysis.Verdict.PROMOTE, same.verdict(), same.reason());
        assertEquals(0.005, same.promoteLevel(), 1e-12);
        AbAnalysis.Result unsure = a.analyze(base, new AbAnalysis.Arm("v2", 150, 88), healthy);
        assertEquals(AbAnalysis.Verdict.CONTINUE, unsure.verdict(), unsure.reason());
        assertTrue(unsure.reason().startsWith("inconclusive"), unsure.reason());
    }

    @Test
    void stepsMustClimbTo100() {
        assertNull(RolloutStep.problem(List.of(10, 25, 50, 100)));
        assertNull(RolloutStep.problem(List.of(50, 100)));
        for (List<Integer> bad : List.of(List.of(100), List.of(10, 50), List.of(50, 25, 100), List.of(0, 100),
                List.of(10, 10, 100), List.of(10, 100, 100))) {
            assertTrue(RolloutStep.problem(bad) != null, bad.toString());
        }
    }

    @Test
    void theLastShareWaitsForPromotionAndGivesUpAfterMaxAnalyses() {
        var r = new RolloutRepository.Rollout(1, "v2", "v1", List.of(10, 50, 100), 1, 1000, 10, 0.05, 0.05, 2,
                0, 0, 0, 0, RolloutRepository.RUNNING, null);
        var inconclusive = new AbAnalysis.Result(AbAnalysis.Verdict.CONTINUE, "inconclusive", true, 0, 0.5, 0.2, 0.025);
        RolloutStep.Move first = RolloutStep.decide(r, inconclusive, 1000);
        assertEquals(RolloutStep.Kind.HOLD, first.kind());
        assertEquals(1, first.next().finalAnalyses());
        RolloutStep.Move second = RolloutStep.decide(first.next(), inconclusive, 2000);
        assertEquals(RolloutStep.Kind.ABORT, second.kind());
        assertTrue(second.reason().startsWith("no promotion after 2 analyses at 50%"), second.reason());
        var waiting = new AbAnalysis.Result(AbAnalysis.Verdict.CONTINUE, "waiting", false, 0, Double.NaN, Double.NaN,
                0.025);
        assertEquals(0, RolloutStep.decide(r, waiting, 1000).next().finalAnalyses(), "no test made, none counted");
    }
}
