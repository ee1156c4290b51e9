package dev.sam.cli.ab;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.Table;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.RollbackPolicy;
import dev.sam.deploy.ab.AbStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code sam ab status [--json]}. */
@Command(name = "status", description = {"The A/B comparison now: the progressive canary's steps and state, per",
        "arm requests, errors, latency, answers, judged answers, acceptance and edit",
        "rates, the two-proportion test's p-values, and the decision with its reason.",
        "Example: sam ab status --json | jq '{decision, reason}'"})
public final class AbStatusCommand extends SamSubcommand {
    @Override
    public Integer call() {
        var c = ctx();
        AbStatus.Report r = new AbStatus(DeployContext.of(c.home(), c.db(), c.config()),
                RollbackPolicy.from(c.config().rollback())).report(System.currentTimeMillis());
        c.out().result(r, out -> print(out, r));
        return 0;
    }

    static void print(PrintWriter out, AbStatus.Report r) {
        if (r.state().equals("none")) {
            out.println("no canary is running: start one with `sam canary --run RUN_ID --steps 10,25,50,100`");
            return;
        }
        out.println("state:     " + r.state() + (r.steps() == null ? " (a canary without --steps: nothing acts on the"
                + " decision)" : " — rollout " + r.rollout() + ", steps " + r.steps() + ", now at " + r.share() + "%")
                + (r.stateReason() == null ? "" : ": " + r.stateReason()));
        if (r.nextAnalysisMs() != null) {
            out.println("next:      analysis at " + Instant.ofEpochMilli(r.nextAnalysisMs()).atZone(ZoneId.systemDefault())
                    .toLocalDateTime().withNano(0) + " (while `sam serve` runs)");
        }
        var s = r.settings();
        out.println(String.format(Locale.ROOT, "settings:  alpha %.3f, margin %.0f points, at least %d judged answers"
                + " per arm, at most %d promotion tests", s.alpha(), s.margin() * 100, s.minSamples(), s.maxAnalyses()));
        out.println();
        Table t = new Table("arm", "version", "requests", "errors", "p50 ms", "p95 ms", "answers", "judged", "accepted",
                "edited");
        for (AbStatus.Arm a : r.arms()) {
            t.row(a.role(), a.version(), a.requests(), String.format(Locale.ROOT, "%.1f%%", a.errorRate() * 100),
                    String.format(Locale.ROOT, "%.0f", a.p50LatencyMs()), String.format(Locale.ROOT, "%.0f",
                            a.p95LatencyMs()), a.answers(), a.judged(), pct(a.acceptanceRate(), a.judged()),
                    pct(a.editRate(), a.judged()));
        }
        t.print(out);
        out.println();
        var test = r.test();
        out.println("test:      " + test.method());
        out.println(String.format(Locale.ROOT, "           difference %+.1f points; p(worse) %s; p(not worse by the"
                        + " margin) %s, promotes below %.4g", test.difference() * 100, p(test.pWorse()),
                p(test.pNotWorse()), test.promoteLevel()));
        out.println("decision:  " + r.decision() + " — " + r.reason());
    }

    private static String pct(double rate, long n) {
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    private static String p(Double p) {
        return p == null ? "- (too few samples)" : String.format(Locale.ROOT, "%.4g", p);
    }
}
