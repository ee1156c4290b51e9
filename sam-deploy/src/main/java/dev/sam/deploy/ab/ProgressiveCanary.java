package dev.sam.deploy.ab;

import dev.sam.core.SamException;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.EventRepository;
import dev.sam.core.store.RolloutRepository;
import dev.sam.core.store.RolloutRepository.Rollout;
import dev.sam.core.store.VersionCatalog;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.Promoter;
import dev.sam.deploy.RollbackPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progressive canary ({@code sam canary --steps 10,25,50,100}): {@link #start} records the plan for the
 * running canary; {@link #tick} — called by {@code sam serve}'s analysis loop, the one owner of the
 * steps while it runs — analyses once per interval ({@link AbArms}, {@link AbAnalysis}) and moves the
 * canary as {@link RolloutStep} says, through sam-deploy's own operations ({@link Canary#adjust},
 * {@link Promoter}, {@link Canary#abort}), which the server's version watcher picks up on the next
 * request. Every analysis and every move is an event in sam.db and a log line.
 *
 * <pre>new ProgressiveCanary(ctx, policy).tick(System.currentTimeMillis());</pre>
 */
public final class ProgressiveCanary {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressiveCanary.class);

    private final DeployContext ctx;
    private final RollbackPolicy health;

    public ProgressiveCanary(DeployContext ctx, RollbackPolicy health) {
        this.ctx = ctx;
        this.health = health;
    }

    /** A rollout's parameters: the shares and the analysis settings. */
    public record Plan(List<Integer> steps, long intervalMs, int minSamples, double alpha, double margin,
                       int maxAnalyses) {
        public Plan {
            steps = List.copyOf(steps);
        }
    }

    /** What a tick did: the analysis (null when the rollout ended because its canary went away) and the move. */
    public record Tick(Rollout rollout, AbArms arms, AbAnalysis.Result analysis, RolloutStep.Move move) {
    }

    /** Starts a rollout of the running canary at the plan's first share. */
    public Rollout start(Plan plan, long nowMs) {
        check(plan);
        VersionCatalog c = VersionCatalog.read(ctx.home());
        ModelVersion canary = c.canary().orElseThrow(() -> SamException.notReady("no canary is running",
                "start one with `sam canary --run RUN_ID --steps 10,25,50,100`"));
        String baseline = c.active().map(ModelVersion::version).orElseThrow(() -> SamException.notReady(
                "no active version to compare the canary with", "deploy one first with `sam deploy`"));
        if (canary.canaryTraffic() == null || canary.canaryTraffic() != plan.steps().get(0)) {
            new Canary(ctx).adjust(plan.steps().get(0));
        }
        Rollout r = new RolloutRepository(ctx.db()).start(new Rollout(0, canary.version(), baseline, plan.steps(), 0,
                plan.intervalMs(), plan.minSamples(), plan.alpha(), plan.margin(), plan.maxAnalyses(), nowMs, nowMs,
                nowMs, 0, RolloutRepository.RUNNING, null));
        Map<String, Object> data = describe(r);
        event("ab_start", r, "progressive canary " + r.version() + " against " + baseline + ": steps " + r.steps()
                + ", analysis every " + r.intervalMs() / 1000 + " s", data);
        return r;
    }

    /** Refuses a plan that cannot run (steps, analysis settings) with a usage error. */
    public void check(Plan plan) {
        String p = RolloutStep.problem(plan.steps());
        if (p != null) {
            throw SamException.usage(p, "e.g. `--steps 10,25,50,100`");
        }
        if (plan.intervalMs() <= 0) {
            throw SamException.usage("the analysis interval must be positive", "e.g. --analysis-interval 1h");
        }
        analysis(plan.alpha(), plan.margin(), plan.minSamples(), plan.maxAnalyses());
    }

    /** One look: nothing before the rollout's interval has passed since its last analysis. */
    public Optional<Tick> tick(long nowMs) {
        RolloutRepository repo = new RolloutRepository(ctx.db());
        Optional<Rollout> running = repo.running();
        if (running.isEmpty()) {
            return Optional.empty();
        }
        Rollout r = running.get();
        String gone = gone(r);
        if (gone != null) {
            Rollout ended = r.ended(RolloutRepository.ENDED, gone);
            if (repo.update(ended, r.stepIndex())) {
                event("ab_end", r, "progressive canary " + r.version() + " ended: " + gone, describe(ended));
            }
            return Optional.of(new Tick(ended, null, null, null));
        }
        if (nowMs - r.lastAnalysisMs() < r.intervalMs()) {
            return Optional.empty();
        }
        AbArms arms = AbArms.read(ctx.db(), r.baseline(), r.version(), r.startedMs());
        AbAnalysis.Result a = arms.analyze(analysis(r.alpha(), r.margin(), r.minSamples(), r.maxAnalyses()));
        RolloutStep.Move m = RolloutStep.decide(r, a, nowMs);
        if (!repo.update(m.next(), r.stepIndex())) {
            return Optional.empty(); // another process moved it first
        }
        Map<String, Object> data = describe(m.next());
        data.put("verdict", a.name());
        data.put("move", m.kind().name().toLowerCase(java.util.Locale.ROOT));
        data.put("reason", m.reason());
        data.put("canary_judged", arms.canary().outcomes().judged());
        data.put("canary_positive", arms.canary().outcomes().positive());
        data.put("baseline_judged", arms.baseline().outcomes().judged());
        data.put("baseline_positive", arms.baseline().outcomes().positive());
        data.put("p_worse", Double.isNaN(a.pWorse()) ? null : a.pWorse());
        data.put("p_not_worse", Double.isNaN(a.pNotWorse()) ? null : a.pNotWorse());
        event("ab_analysis", r, "canary " + r.version() + " at " + r.share() + "%: " + a.name() + ": " + a.reason(),
                data);
        try {
            move(r, m, data);
        } catch (SamException e) {
            // the rollout was already moved on (so no other process repeats the step): end it, saying why
            String why = "could not " + m.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage();
            Rollout failed = m.next().ended(RolloutRepository.ENDED, why);
            if (m.next().running() && repo.update(failed, m.next().stepIndex())) {
                event("ab_end", r, "progressive canary " + r.version() + " ended: " + why, describe(failed));
            } else {
                event("ab_end", r, "progressive canary " + r.version() + ": " + why, describe(m.next()));
            }
            LOG.error("A/B: canary {} {}", r.version(), why);
            return Optional.of(new Tick(failed, arms, a, m));
        }
        return Optional.of(new Tick(m.next(), arms, a, m));
    }

    private void move(Rollout r, RolloutStep.Move m, Map<String, Object> data) {
        switch (m.kind()) {
            case ADVANCE -> {
                new Canary(ctx).adjust(m.share());
                event("ab_step", r, "canary " + r.version() + " advanced " + r.share() + "% -> " + m.share() + "%",
                        data);
            }
            case PROMOTE -> {
                Promoter.Result p = new Promoter(ctx).promote();
                event("ab_promote", r, "canary " + p.promoted() + " promoted after " + r.steps() + ": " + m.reason(),
                        data);
            }
            case ABORT -> {
                new Canary(ctx).automatic().abort("A/B analysis: " + m.reason());
                event("ab_abort", r, "canary " + r.version() + " aborted at " + r.share() + "%: " + m.reason(), data);
            }
            case HOLD -> {
            }
        }
    }

    /** Why the rollout cannot go on (its canary was promoted, aborted or re-shared by hand), or null. */
    private String gone(Rollout r) {
        VersionCatalog c = VersionCatalog.read(ctx.home());
        Optional<ModelVersion> canary = c.canary();
        if (canary.isEmpty() || !canary.get().version().equals(r.version())) {
            return r.version() + " is no longer the canary (promoted, aborted or replaced outside the rollout)";
        }
        if (!c.active().map(ModelVersion::version).orElse("").equals(r.baseline())) {
            return "the active version changed from " + r.baseline() + " (rollback or deploy)";
        }
        Integer share = canary.get().canaryTraffic();
        if (share == null || share != r.share()) {
            return "its share was changed by hand to " + share + "% (the rollout planned " + r.share() + "%)";
        }
        return null;
    }

    AbAnalysis analysis(double alpha, double margin, int minSamples, int maxAnalyses) {
        try {
            return new AbAnalysis(alpha, margin, minSamples, maxAnalyses, health);
        } catch (IllegalArgumentException e) {
            throw SamException.usage(e.getMessage(), "see `sam canary --help`");
        }
    }

    private static Map<String, Object> describe(Rollout r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rollout", r.id());
        d.put("baseline", r.baseline());
        d.put("steps", r.steps());
        d.put("share", r.share());
        d.put("state", r.state());
        d.put("final_analyses", r.finalAnalyses());
        return d;
    }

    private void event(String kind, Rollout r, String message, Map<String, Object> data) {
        new EventRepository(ctx.db()).record(kind, r.version(), null, message, data);
        LOG.info("A/B: {}", message);
    }
}
