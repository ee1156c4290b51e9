package dev.sam.deploy.ab;

import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.RolloutRepository;
import dev.sam.core.store.RolloutRepository.Rollout;
import dev.sam.core.store.VersionCatalog;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.RollbackPolicy;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/**
 * {@code sam ab status}: the A/B comparison as it stands — the rollout (running, or the last one and how it
 * ended), both arms' numbers since the rollout (or the manual canary) started, the test's p-values and
 * the decision the analysis gives now with its reason. Read-only: only {@code sam serve}'s rollout loop
 * acts on the decision.
 *
 * <pre>AbStatus.Report r = new AbStatus(ctx, policy).report(System.currentTimeMillis());</pre>
 */
public final class AbStatus {
    private final DeployContext ctx;
    private final RollbackPolicy health;

    public AbStatus(DeployContext ctx, RollbackPolicy health) {
        this.ctx = ctx;
        this.health = health;
    }

    /**
     * {@code state}: running, promoted, aborted, ended (a rollout), manual (a canary without rollout) or none;
     * {@code decision}/{@code reason}: the analysis now (null when nothing is compared).
     */
    public record Report(String state, Long rollout, List<Integer> steps, Integer share, String stateReason,
                         Long nextAnalysisMs, Integer analysesAtLastStep, Settings settings, List<Arm> arms, Test test,
                         String decision, String reason) {
    }

    public record Settings(double alpha, double margin, int minSamples, int maxAnalyses, long intervalMs) {
    }

    public record Arm(String version, String role, long requests, long errors, double errorRate, double p50LatencyMs,
                      double p95LatencyMs, long answers, long judged, long positive, double acceptanceRate,
                      long edited, double editRate) {
    }

    /** The two-proportion tests (one-sided p-values; null before each arm has its minimum samples). */
    public record Test(String method, double difference, Double pWorse, Double pNotWorse, double promoteLevel) {
    }

    public Report report(long nowMs) {
        RolloutRepository repo = new RolloutRepository(ctx.db());
        Optional<Rollout> latest = repo.latest();
        VersionCatalog c = VersionCatalog.read(ctx.home());
        if (latest.isPresent() && (latest.get().running() || c.canary().isEmpty())) {
            Rollout r = latest.get();
            Settings s = new Settings(r.alpha(), r.margin(), r.minSamples(), r.maxAnalyses(), r.intervalMs());
            AbArms arms = AbArms.read(ctx.db(), r.baseline(), r.version(), r.startedMs());
            return report(r.state(), r, s, arms, r.running() ? r.lastAnalysisMs() + r.intervalMs() : null);
        }
        if (c.canary().isPresent() && c.active().isPresent()) {
            ModelVersion canary = c.canary().get();
            long since = LocalDateTime.parse(canary.createdAt()).atZone(ctx.clock().getZone()).toInstant().toEpochMilli();
            Settings s = new Settings(AbAnalysis.ALPHA, AbAnalysis.MARGIN, AbAnalysis.MIN_SAMPLES,
                    AbAnalysis.MAX_ANALYSES, 0);
            return report("manual", null, s, AbArms.read(ctx.db(), c.active().get().version(), canary.version(), since),
                    null);
        }
        return new Report("none", null, null, null, "no canary is running", null, null, null, List.of(), null, null,
                null);
    }

    private Report report(String state, Rollout r, Settings s, AbArms arms, Long next) {
        AbAnalysis.Result a = arms.analyze(new AbAnalysis(s.alpha(), s.margin(), s.minSamples(), s.maxAnalyses(), health));
        Test t = new Test("two-proportion z-test, one-sided: worse (pooled) and not worse by the margin"
                + " (Agresti-Caffo adjusted Wald)", a.difference(), nan(a.pWorse()), nan(a.pNotWorse()), a.promoteLevel());
        return new Report(state, r == null ? null : r.id(), r == null ? null : r.steps(),
                r == null ? VersionCatalog.read(ctx.home()).canaryShare() : r.share(),
                r == null ? null : r.reason(), next, r == null ? null : r.finalAnalyses(), s,
                List.of(arm(arms.baseline()), arm(arms.canary())), t, a.name(), a.reason());
    }

    private static Arm arm(AbArms.ArmNumbers n) {
        var q = n.requests();
        var o = n.outcomes();
        return new Arm(n.version(), n.role(), q == null ? 0 : q.requests(), q == null ? 0 : q.errors(),
                q == null ? 0 : q.errorRate(), q == null ? 0 : q.p50LatencyMs(), q == null ? 0 : q.p95LatencyMs(),
                o.responses(), o.judged(), o.positive(), o.positiveRate(), o.edited(), o.editRate());
    }

    private static Double nan(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
