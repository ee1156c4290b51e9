package dev.sam.cycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.deploy.RollbackPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The canary verdicts against the rollback thresholds of the original spec (15% errors, 5000 ms, 6 GB). */
class CanaryJudgeTest {
    private static final RollbackPolicy POLICY = new RollbackPolicy(0.15, 5000, 6.0 * (1L << 30), 20, 300);
    private static final CanaryJudge JUDGE = new CanaryJudge(POLICY, 20, Duration.ofHours(24));

    private static RequestMetricsRepository.PerVersion served(long n, long errors, double latency) {
        return new RequestMetricsRepository.PerVersion("v1.0.1", n, errors, n == 0 ? 0 : (double) errors / n, latency, latency,
                latency, 500L << 20, n * 10, 0, 0);
    }

    @Test
    void enoughHealthyRequestsPromote() {
        CanaryJudge.Verdict v = JUDGE.judge("v1.0.1", served(25, 1, 300), Duration.ofMinutes(5));
        assertEquals(CanaryJudge.Action.PROMOTE, v.action());
        assertTrue(v.reason().contains("served 25 requests (>= 20)") && v.reason().contains("error rate 4.0%"), v.reason());
    }

    @Test
    void thePolicyAbortsOnErrorsLatencyOrMemory() {
        assertEquals(CanaryJudge.Action.ABORT, JUDGE.judge("v1.0.1", served(25, 10, 300), Duration.ZERO).action());
        CanaryJudge.Verdict slow = JUDGE.judge("v1.0.1", served(25, 0, 9000), Duration.ZERO);
        assertEquals(CanaryJudge.Action.ABORT, slow.action());
        assertTrue(slow.reason().contains("mean latency 9000 ms > 5000 ms"), slow.reason());
    }

    @Test
    void littleTrafficWaitsUntilMaxAgeThenPromotesIfHealthy() {
        CanaryJudge.Verdict young = JUDGE.judge("v1.0.1", served(3, 0, 200), Duration.ofHours(2));
        assertEquals(CanaryJudge.Action.WAIT, young.action());
        assertTrue(young.reason().contains("served 3 of 20 requests in 2h"), young.reason());
        assertEquals(CanaryJudge.Action.PROMOTE, JUDGE.judge("v1.0.1", null, Duration.ofHours(25)).action());
        assertEquals(CanaryJudge.Action.PROMOTE, JUDGE.judge("v1.0.1", served(3, 0, 200), Duration.ofHours(24)).action());
        CanaryJudge.Verdict fewBad = JUDGE.judge("v1.0.1", served(3, 2, 200), Duration.ofHours(30));
        assertEquals(CanaryJudge.Action.ABORT, fewBad.action(), "few requests are judged by the same thresholds");
    }

    @Test
    void neverMeansWaitForTraffic() {
        CanaryJudge patient = new CanaryJudge(POLICY, 20, null);
        CanaryJudge.Verdict v = patient.judge("v1.0.1", null, Duration.ofDays(30));
        assertEquals(CanaryJudge.Action.WAIT, v.action());
        assertTrue(v.reason().contains("canary_max_age: never"), v.reason());
    }

    @Test
    void fewerRequestsThanThePolicyMinimumAreStillCheckedBeforePromotion() {
        CanaryJudge eager = new CanaryJudge(POLICY, 5, null);
        assertEquals(CanaryJudge.Action.ABORT, eager.judge("v1.0.1", served(6, 3, 100), Duration.ZERO).action());
        assertEquals(CanaryJudge.Action.PROMOTE, eager.judge("v1.0.1", served(6, 0, 100), Duration.ZERO).action());
    }
}
