package dev.sam.cycle;

import dev.sam.core.model.ModelVersion;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.Promoter;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.core.store.RolloutRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The canary part of a cycle: finds the running canary, reads what it served since it started, and
 * promotes, aborts or keeps it as {@link CanaryJudge} says, through sam-deploy's own {@link Promoter} and
 * {@link Canary#abort} (so a cycle's promotion is the same crash-safe operation as {@code sam promote}).
 */
final class CanaryStep {

    /** {@code state}: none, promoted, aborted, waiting (or would_* in a dry run). */
    record Result(String state, String version, String message) {
        boolean waiting() {
            return state.equals("waiting");
        }
    }

    private final DeployContext ctx;
    private final CanaryJudge judge;
    private final Clock clock;

    CanaryStep(DeployContext ctx, CanaryJudge judge, Clock clock) {
        this.ctx = ctx;
        this.judge = judge;
        this.clock = clock;
    }

    Result run(CycleJournal journal, boolean dryRun) {
        Optional<ModelVersion> canary = new Canary(ctx).current();
        if (canary.isEmpty()) {
            return new Result("none", null, "no canary");
        }
        ModelVersion c = canary.get();
        var rollout = new RolloutRepository(ctx.db()).running().filter(r -> r.version().equals(c.version()));
        if (rollout.isPresent()) {
            // one owner per canary: a progressive rollout (sam canary --steps) is moved by sam serve's analysis
            String why = "a progressive rollout (steps " + rollout.get().steps() + ", now " + rollout.get().share()
                    + "%) decides it; see `sam ab status`";
            journal.step("canary", "canary " + c.version() + " left to its rollout: " + why, Map.of("version",
                    c.version(), "action", "rollout"));
            return new Result("waiting", c.version(), why);
        }
        LocalDateTime created = LocalDateTime.parse(c.createdAt());
        long sinceMs = created.atZone(clock.getZone()).toInstant().toEpochMilli();
        RequestMetricsRepository.PerVersion served = new RequestMetricsRepository(ctx.db()).perVersion(sinceMs).stream()
                .filter(p -> p.version().equals(c.version())).findFirst().orElse(null);
        Duration age = Duration.between(created, LocalDateTime.now(clock));
        CanaryJudge.Verdict v = judge.judge(c.version(), served, age.isNegative() ? Duration.ZERO : age);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", c.version());
        data.put("run_id", c.trainingRunId());
        data.put("requests", v.requests());
        data.put("age_seconds", age.getSeconds());
        data.put("action", v.action().name().toLowerCase(java.util.Locale.ROOT));
        if (dryRun) {
            String would = switch (v.action()) {
                case PROMOTE -> "would promote";
                case ABORT -> "would abort";
                case WAIT -> "would keep";
            };
            journal.step("canary", would + " canary " + c.version() + ": " + v.reason(), data);
            return new Result(v.action() == CanaryJudge.Action.WAIT ? "waiting" : "would_" + v.action().name()
                    .toLowerCase(java.util.Locale.ROOT), c.version(), v.reason());
        }
        return switch (v.action()) {
            case PROMOTE -> {
                Promoter.Result p = new Promoter(ctx).promote();
                String msg = "promoted " + p.promoted() + (p.previous() == null ? "" : " (" + p.previous()
                        + " retired)") + ": " + v.reason();
                journal.step("canary", msg, data);
                yield new Result("promoted", p.promoted(), msg);
            }
            case ABORT -> {
                new Canary(ctx).abort("sam cycle: " + v.reason());
                String msg = "aborted canary " + c.version() + ": " + v.reason();
                journal.step("canary", msg, data);
                yield new Result("aborted", c.version(), msg);
            }
            case WAIT -> {
                String msg = "canary " + c.version() + " keeps serving: " + v.reason();
                journal.step("canary", msg, data);
                yield new Result("waiting", c.version(), v.reason());
            }
        };
    }
}
