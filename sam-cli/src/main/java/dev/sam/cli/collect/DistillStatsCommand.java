package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.collect.distill.DistillService;
import dev.sam.collect.distill.DistillStats;
import picocli.CommandLine.Command;

/** {@code sam distill stats}. */
@Command(name = "stats", description = {"Count captures by kind and domain, and what they became.",
        "",
        "Example:  sam distill stats --json",
        ""})
public final class DistillStatsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        var c = ctx();
        DistillStats s = new DistillService(c.home(), c.config(), c.db()).stats();
        c.out().result(s, out -> {
            out.println("captures:          " + s.captures() + (s.pending() > 0 ? " (" + s.pending()
                    + " not yet collected: run `sam collect --source distill`)" : ""));
            out.println("by kind:           " + (s.byKind().isEmpty() ? "-" : ReportPrinter.reasons(s.byKind())));
            out.println("by domain:         " + (s.byDomain().isEmpty() ? "-" : ReportPrinter.reasons(s.byDomain())));
            out.printf("average quality:   %.3f%n", s.averageQuality());
            out.println("samples:           " + s.samples());
            out.println("preference pairs:  " + s.preferencePairs());
            out.println("rejected:          " + (s.rejects().isEmpty() ? "0" : ReportPrinter.reasons(s.rejects())));
            out.println("first / last:      " + (s.firstCapture() == null ? "-" : s.firstCapture() + " / "
                    + s.lastCapture()));
        });
        return 0;
    }
}
