package dev.sam.deploy.ab;

import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RolloutRepository;
import dev.sam.core.store.RolloutRepository.Rollout;
import dev.sam.deploy.RollbackPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded traffic for a progressive canary without a database: each simulated interval, {@code perInterval}
 * judged answers split by the current share, each positive with its arm's true rate; the canary's requests
 * fail at its true error rate. The same {@link AbAnalysis} and {@link RolloutStep} as the real driver decide.
 */
final class AbSimulator {
    static final long HOUR = 3_600_000L;

    /** True acceptance rates of both arms and the canary's true error rate. */
    record Truth(double baseline, double canary, double canaryErrors) {
    }

    /** How a rollout ended ("promoted", "aborted", or "running" when maxIntervals ran out). */
    record Outcome(String end, List<Integer> shares, int lastShare, long canaryJudged, long baselineJudged,
                   String reason) {
        boolean promoted() {
            return end.equals(RolloutRepository.PROMOTED);
        }
    }

    static Rollout plan(List<Integer> steps) {
        return new Rollout(1, "v1.0.1", "v1.0.0", steps, 0, HOUR, AbAnalysis.MIN_SAMPLES, AbAnalysis.ALPHA,
                AbAnalysis.MARGIN, AbAnalysis.MAX_ANALYSES, 0, 0, 0, 0, RolloutRepository.RUNNING, null);
    }

    static Outcome run(Truth t, long seed, int perInterval, Rollout plan, RollbackPolicy health, int maxIntervals) {
        Random rnd = new Random(seed);
        AbAnalysis analysis = new AbAnalysis(plan.alpha(), plan.margin(), plan.minSamples(), plan.maxAnalyses(), health);
        Rollout r = plan;
        long nc = 0, xc = 0, nb = 0, xb = 0, errors = 0;
        List<Integer> shares = new ArrayList<>(List.of(r.share()));
        for (int i = 1; i <= maxIntervals; i++) {
            for (int k = 0; k < perInterval; k++) {
                if (rnd.nextInt(100) < r.share()) {
                    nc++;
                    xc += rnd.nextDouble() < t.canary() ? 1 : 0;
                    errors += rnd.nextDouble() < t.canaryErrors() ? 1 : 0;
                } else {
                    nb++;
                    xb += rnd.nextDouble() < t.baseline() ? 1 : 0;
                }
            }
            var canaryHealth = new RequestMetricsRepository.PerVersion("v1.0.1", nc, errors,
                    nc == 0 ? 0 : (double) errors / nc, 50, 50, 80, null, 0, 0, 0);
            AbAnalysis.Result a = analysis.analyze(new AbAnalysis.Arm("v1.0.0", nb, xb),
                    new AbAnalysis.Arm("v1.0.1", nc, xc), canaryHealth);
            RolloutStep.Move m = RolloutStep.decide(r, a, i * HOUR);
            r = m.next();
            switch (m.kind()) {
                case PROMOTE, ABORT -> {
                    return new Outcome(r.state(), shares, m.kind() == RolloutStep.Kind.PROMOTE ? 100 : shares.get(
                            shares.size() - 1), nc, nb, m.reason());
                }
                case ADVANCE -> shares.add(m.share());
                case HOLD -> {
                }
            }
        }
        return new Outcome("running", shares, r.share(), nc, nb, "ran out of intervals");
    }
}
