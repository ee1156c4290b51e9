package dev.sam.cli.deploy;

import dev.sam.core.SamException;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployPlan;
import dev.sam.deploy.DeployPlanner;
import dev.sam.deploy.DeployResult;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.deploy.ab.ProgressiveCanary;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sam canary}: start, adjust, show; {@code sam canary abort} stops it. */
@Command(name = "canary", subcommands = CanaryCommand.Abort.class, description = {
        "Serve a candidate to a share of requests next to the active version (one",
        "canary at a time). With PATH or --run: validate and register a new canary",
        "(same gate and copy as `sam deploy`). With only --traffic: change the",
        "running canary's share. Alone: show the canary.",
        "",
        "Examples:",
        "  sam canary /path/to/adapters --traffic 10",
        "  sam canary --run 20260125_100000 --traffic 10",
        "  sam canary --traffic 30",
        "  sam canary --run 20260125_100000 --steps 10,25,50,100 --analysis-interval 1h",
        "  sam canary abort --reason \"error rate too high\"",
        "  sam promote",
        ""})
public final class CanaryCommand extends DeploySubcommand {
    @Mixin
    SourceOptions source;

    @Option(names = "--traffic", paramLabel = "N", description = "Percent of requests the canary serves (1-99).")
    Integer traffic;

    @Mixin
    RolloutOptions rollout;

    @Override
    public Integer call() {
        var out = ctx().out();
        if (rollout.given() && traffic != null) {
            throw SamException.usage("--steps sets the canary's share step by step; --traffic cannot be given with it",
                    "drop --traffic: the first step is the starting share");
        }
        if (rollout.given() && !source.dryRun) {
            return progressive();
        }
        if (rollout.given()) {
            traffic = rollout.plan().steps().get(0);
        }
        if (source.given()) {
            if (traffic == null) {
                throw SamException.usage("a new canary needs --traffic N (1-99)", "e.g. `sam canary PATH --traffic 10`");
            }
            var request = source.request().asCanary(traffic);
            if (source.dryRun) {
                DeployPlan plan = new DeployPlanner(deployContext()).plan(request);
                out.result(plan, w -> DeployPrinter.plan(w, plan));
                return plan.ok() ? 0 : 1;
            }
            DeployResult r = new Canary(deployContext()).start(request, out.progress());
            out.result(r, w -> DeployPrinter.deployed(w, r));
            return 0;
        }
        if (source.dryRun) {
            throw SamException.usage("--dry-run checks a new canary: give PATH or --run RUN_ID with --traffic N", null);
        }
        if (traffic != null) {
            Canary.Change c = new Canary(deployContext()).adjust(traffic);
            out.result(c, w -> w.println("canary " + c.version() + " now serves " + c.trafficAfter() + "% of traffic (was "
                    + c.trafficBefore() + "%)"));
            return 0;
        }
        var canary = new Canary(deployContext()).current();
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("canary", canary.orElse(null));
        out.result(data, w -> w.println(canary.map(v -> "canary " + v.version() + " at "
                + v.canaryTraffic() + "% of traffic (created " + v.createdAt() + ")")
                .orElse("no canary is running — start one with `sam canary PATH --traffic N`")));
        return 0;
    }

    /** {@code --steps}: a new canary at the first step (with PATH or --run) or the running one, then the rollout. */
    private int progressive() {
        var plan = rollout.plan();
        var out = ctx().out();
        var pc = new ProgressiveCanary(deployContext(), RollbackPolicy.from(ctx().config().rollback()));
        pc.check(plan);
        if (source.given()) {
            new Canary(deployContext()).start(source.request().asCanary(plan.steps().get(0)), out.progress());
        }
        var r = pc.start(plan, System.currentTimeMillis());
        out.result(RolloutOptions.started(r, plan), w -> w.println("canary " + r.version() + " serves " + r.share() + "% of traffic; steps "
                + r.steps() + " against " + r.baseline() + ", one analysis every " + rollout.interval + " while `sam"
                + " serve` runs (it moves the share; see `sam ab status`)"));
        return 0;
    }

    /** {@code sam canary abort}. */
    @Command(name = "abort", description = {"Stop the canary: it becomes rolled_back and serves nothing; the active",
            "version is untouched. Example: sam canary abort --reason \"latency\""})
    public static final class Abort extends DeploySubcommand {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the event log).")
        String reason;

        @Override
        public Integer call() {
            Canary.Change c = new Canary(deployContext()).abort(reason);
            ctx().out().result(c, w -> w.println("canary " + c.version() + " aborted (was at " + c.trafficBefore()
                    + "% of traffic); " + c.active() + " stays active"));
            return 0;
        }
    }
}
