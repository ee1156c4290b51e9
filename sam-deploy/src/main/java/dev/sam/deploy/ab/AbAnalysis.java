package dev.sam.deploy.ab;

import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.deploy.RollbackPolicy;
import java.util.Locale;
import java.util.Optional;

/**
 * The canary analysis, in the manner of Argo Rollouts' AnalysisRuns and Flagger's canary checks (a
 * metric compared each interval; fail → roll back, pass → next step): on the acceptance rate of judged
 * answers (thumbs up or accepted unchanged), with
 * <ul>
 * <li>the health policy first: a canary the auto-rollback thresholds reject ({@link RollbackPolicy}) is
 *     aborted whatever its acceptance;</li>
 * <li>no decision before each arm has {@code minSamples} judged answers;</li>
 * <li>{@code abort} when the canary is significantly worse ({@link Proportions#worse} below α);</li>
 * <li>{@code promote} when it is not worse by the margin δ or more ({@link Proportions#notWorse} below
 *     α / maxAnalyses — a Bonferroni split of α over the at most {@code maxAnalyses} promotion tests a
 *     rollout makes, so looking again every interval cannot push the chance of promoting a canary that
 *     is δ or more worse above α);</li>
 * <li>{@code continue} otherwise.</li>
 * </ul>
 * A pure function.
 *
 * <pre>AbAnalysis.Result r = AbAnalysis.defaults(policy).analyze(baseline, canary, canaryHealth);</pre>
 */
public record AbAnalysis(double alpha, double margin, int minSamples, int maxAnalyses, RollbackPolicy health) {
    public static final double ALPHA = 0.05;
    public static final double MARGIN = 0.05;
    /** 80% power to see a 10-point drop from 60% at one-sided alpha 0.05 with equal arms: n = (1.645 + 0.842)² · 2 · 0.24 / 0.1² ≈ 297. */
    public static final int MIN_SAMPLES = 300;
    public static final int MAX_ANALYSES = 10;

    public AbAnalysis {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1), got " + margin);
        }
        if (minSamples < 1 || maxAnalyses < 1) {
            throw new IllegalArgumentException("min samples and max analyses must be >= 1");
        }
    }

    public static AbAnalysis defaults(RollbackPolicy health) {
        return new AbAnalysis(ALPHA, MARGIN, MIN_SAMPLES, MAX_ANALYSES, health);
    }

    public enum Verdict { PROMOTE, ABORT, CONTINUE }

    /** One arm: judged answers and how many were positive. */
    public record Arm(String version, long judged, long positive) {
        public double rate() {
            return judged == 0 ? 0 : (double) positive / judged;
        }
    }

    /**
     * The verdict and why; {@code enoughSamples} says whether the tests were made (then the p-values are set,
     * else NaN); {@code promoteLevel} is α / maxAnalyses.
     */
    public record Result(Verdict verdict, String reason, boolean enoughSamples, double difference, double pWorse,
                         double pNotWorse, double promoteLevel) {
        public String name() {
            return verdict.name().toLowerCase(Locale.ROOT);
        }
    }

    public double promoteLevel() {
        return alpha / maxAnalyses;
    }

    /** {@code canaryHealth}: the canary's request numbers over the rollout (null: none served). */
    public Result analyze(Arm baseline, Arm canary, RequestMetricsRepository.PerVersion canaryHealth) {
        double diff = canary.rate() - baseline.rate();
        Optional<RollbackPolicy.Verdict> sick = health.evaluate("canary", canaryHealth);
        if (sick.isPresent()) {
            return new Result(Verdict.ABORT, "unhealthy: " + sick.get().reason(), false, diff, Double.NaN, Double.NaN,
                    promoteLevel());
        }
        if (canary.judged() < minSamples || baseline.judged() < minSamples) {
            return new Result(Verdict.CONTINUE, String.format(Locale.ROOT, "waiting for judged answers: canary %d/%d,"
                            + " baseline %d/%d (no decision before %d per arm)", canary.judged(), minSamples,
                    baseline.judged(), minSamples, minSamples), false, diff, Double.NaN, Double.NaN, promoteLevel());
        }
        double pWorse = Proportions.worse(canary.positive(), canary.judged(), baseline.positive(), baseline.judged());
        double pNotWorse = Proportions.notWorse(canary.positive(), canary.judged(), baseline.positive(),
                baseline.judged(), margin);
        String rates = String.format(Locale.ROOT, "acceptance %s %.1f%% (%d/%d) vs %s %.1f%% (%d/%d)",
                canary.version(), canary.rate() * 100, canary.positive(), canary.judged(), baseline.version(),
                baseline.rate() * 100, baseline.positive(), baseline.judged());
        if (pWorse < alpha) {
            return new Result(Verdict.ABORT, String.format(Locale.ROOT, "significantly worse: %s, one-sided p = %.4f"
                    + " < alpha %.3f", rates, pWorse, alpha), true, diff, pWorse, pNotWorse, promoteLevel());
        }
        if (pNotWorse < promoteLevel()) {
            return new Result(Verdict.PROMOTE, String.format(Locale.ROOT, "not worse by %.0f points or more: %s,"
                            + " one-sided p = %.4g < %.4g (alpha %.3f over %d analyses)", margin * 100, rates, pNotWorse,
                    promoteLevel(), alpha, maxAnalyses), true, diff, pWorse, pNotWorse, promoteLevel());
        }
        return new Result(Verdict.CONTINUE, String.format(Locale.ROOT, "inconclusive: %s; p(worse) = %.3f,"
                        + " p(not worse by %.0f points) = %.4g, needs < %.4g", rates, pWorse, margin * 100, pNotWorse,
                promoteLevel()), true, diff, pWorse, pNotWorse, promoteLevel());
    }
}
