package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.Table;
import dev.sam.train.eval.VersionComparison;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam compare vA vB}: the offline A/B on the frozen benchmark slice. */
@Command(name = "compare", description = {
        "Offline A/B: both versions on the frozen benchmark slice (one base model",
        "loaded once) — held-out loss and token accuracy side by side, and per sample",
        "which version has the lower loss, with an exact sign test on the wins.",
        "",
        "Examples:",
        "  sam compare v1.0.2 v1.0.3",
        "  sam compare v1.0.2 v1.0.3 --samples      every sample's losses",
        "  sam compare v1.0.2 v1.0.3 --json | jq '.per_sample[] | select(.winner == \"a\")'",
        ""})
public final class CompareCommand extends SamSubcommand {
    @Parameters(index = "0", paramLabel = "VERSION_A", description = "A deployed version, e.g. v1.0.2 (or 'active').")
    String a;

    @Parameters(index = "1", paramLabel = "VERSION_B", description = "Another deployed version.")
    String b;

    @Option(names = "--samples", description = "Print every sample's losses and winner.")
    boolean samples;

    @Override
    public Integer call() {
        var c = ctx();
        var r = new VersionComparison(c.home(), c.config()).compare(a, b, c.out().progress());
        c.out().result(r, out -> print(out, r, samples));
        return 0;
    }

    static void print(PrintWriter out, VersionComparison.Report r, boolean samples) {
        out.println("benchmark slice " + r.sliceId() + ": " + r.samples() + " samples, base model " + r.baseModel());
        Table t = new Table("version", "loss", "token accuracy", "targets", "samples won");
        for (VersionComparison.Side s : new VersionComparison.Side[] {r.a(), r.b()}) {
            t.row(s.version(), s.loss() == null ? null : String.format(Locale.ROOT, "%.4f", s.loss()),
                    s.accuracy() == null ? null : String.format(Locale.ROOT, "%.1f%%", s.accuracy() * 100), s.targets(),
                    s.wins());
        }
        t.row("ties", null, null, null, r.ties());
        t.print(out);
        if (samples) {
            Table p = new Table("#", "source", "location", "targets", "loss " + r.a().version(), "loss " + r.b().version(),
                    "winner");
            for (VersionComparison.Sample s : r.perSample()) {
                p.row(s.index(), s.source(), s.location(), s.targets(), String.format(Locale.ROOT, "%.4f", s.lossA()),
                        String.format(Locale.ROOT, "%.4f", s.lossB()), s.winner().equals("tie") ? "tie"
                                : s.winner().equals("a") ? r.a().version() : r.b().version());
            }
            out.println();
            p.print(out);
        }
        long wa = r.a().wins();
        long wb = r.b().wins();
        out.println();
        out.println(String.format(Locale.ROOT, "%s wins %d, %s wins %d, %d ties; sign test p = %.4g%s", r.a().version(),
                wa, r.b().version(), wb, r.ties(), r.signTestP(), r.signTestP() < 0.05 ? " (" + (wa > wb ? r.a().version()
                        : r.b().version()) + " is better on this slice)" : " (no significant difference on this slice)"));
    }
}
