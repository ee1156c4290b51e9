package dev.sam.cli.cycle;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.train.RunProgress;
import dev.sam.cycle.CycleResult;
import dev.sam.cycle.CycleRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam cycle}: one unattended turn of collect, train, evaluate, canary, promote. */
@Command(name = "cycle", description = {
        "One unattended turn of the loop, for cron, launchd or a systemd timer:",
        "judge the running canary (promote after cycle.canary_min_requests healthy",
        "requests or cycle.canary_max_age; abort when the rollback policy says so)",
        "-> collect (collect.* in config.yaml) -> train only when cycle.min_new_samples",
        "samples are new since the last blessed run, on them plus cycle.replay_ratio",
        "times as many older ones -> evaluate -> deploy a blessed run as a canary at",
        "cycle.canary_traffic percent. A quiet night, a run that is not blessed and a",
        "canary still waiting all exit 0; a second cycle while one runs exits 3.",
        "Every step: SAM_HOME/logs/cycle.log and a `cycle` event in sam.db. A killed",
        "cycle is continued by the next one. `sam schedule install` runs it nightly.",
        "",
        "Examples:",
        "  sam cycle",
        "  sam cycle --dry-run",
        "  sam cycle --json",
        ""})
public final class CycleCommand extends SamSubcommand {
    @Option(names = "--dry-run", description = {"Say what the cycle would do without changing anything",
            "(no training, no deployment, nothing recorded)."})
    boolean dryRun;

    @Override
    public Integer call() {
        var c = ctx();
        CycleResult r = new CycleRunner(c.home(), c.config(), c.db()).run(dryRun, new RunProgress(c.out()));
        c.out().result(r, out -> {
            r.steps().stream().filter(s -> !s.step().equals("outcome"))
                    .forEach(s -> out.println(s.step() + ": " + s.message()));
            out.println(r.message());
            out.println("next: " + r.nextStep());
        });
        return 0;
    }
}
