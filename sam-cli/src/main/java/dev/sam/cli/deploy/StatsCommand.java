package dev.sam.cli.deploy;

import dev.sam.cli.Table;
import dev.sam.core.store.RequestMetricsRepository;
import dev.sam.deploy.DeployStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code sam stats}: deployment statistics and per-version request metrics. */
@Command(name = "stats", description = {"Deployment statistics: versions by status, active and canary,",
        "deployments and rollbacks, and per-version request metrics (requests, errors,",
        "latency) when `sam serve` recorded any.",
        "Example: sam stats --json | jq '.requests[] | {version, error_rate}'"})
public final class StatsCommand extends DeploySubcommand {
    @Override
    public Integer call() {
        DeployStats.Report r = new DeployStats(deployContext()).report();
        String fallback = ctx().home().models().warning();
        ctx().out().result(r, out -> print(out, r, fallback));
        return 0;
    }

    static void print(PrintWriter out, DeployStats.Report r, String alreadyWarned) {
        out.println("versions:  " + r.totalVersions() + " (" + r.byStatus().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ") in " + r.versionsDir());
        out.println("active:    " + (r.activeVersion() == null ? "none" : r.activeVersion() + " (deployed "
                + r.deployedAt() + ")"));
        out.println("canary:    " + (r.canaryVersion() == null ? "none" : r.canaryVersion() + " at "
                + r.canaryTraffic() + "% of traffic"));
        out.println("rollback:  " + (r.rollbackAvailable() ? "available" : "nothing to roll back to"));
        out.println("events:    " + r.events().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(" · ")));
        out.println();
        if (r.requests().isEmpty()) {
            out.println("requests:  none recorded yet (`sam serve` records them per version)");
        } else {
            Table t = new Table("version", "requests", "errors", "error rate", "mean ms", "p50 ms", "p95 ms", "peak RSS");
            for (RequestMetricsRepository.PerVersion v : r.requests()) {
                t.row(v.version(), v.requests(), v.errors(), String.format(Locale.ROOT, "%.1f%%", v.errorRate() * 100),
                        fmt(v.meanLatencyMs()), fmt(v.p50LatencyMs()), fmt(v.p95LatencyMs()),
                        v.peakRssBytes() == null ? null : dev.sam.core.Bytes.human(v.peakRssBytes()));
            }
            t.print(out);
        }
        if (!r.recentEvents().isEmpty()) {
            out.println();
            out.println("recent:");
            r.recentEvents().forEach(e -> out.println("  " + e.time().substring(0, Math.min(19, e.time().length())) + "  "
                    + e.kind() + "  " + e.message()));
        }
        r.warnings().stream().filter(w -> !w.equals(alreadyWarned)).forEach(w -> out.println("warning: " + w));
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.0f", ms);
    }
}
