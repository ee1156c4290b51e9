package dev.sam.cli.collect;

import dev.sam.train.datareport.DataReport;
import dev.sam.train.datareport.DataReportHtml;
import java.io.PrintWriter;
import java.util.Locale;

/** The terminal form of {@code sam data report}. */
final class DataReportPrinter {
    private DataReportPrinter() {
    }

    static void print(PrintWriter o, DataReport r) {
        o.printf("%d samples (tokens: %s)%n%n", r.samples(), r.tokenizer());
        o.printf("%-10s %8s %7s %8s %8s %6s %9s  %s%n", "source", "samples", "share", "tok p50", "tok p90", "dups",
                "conflicts", "rejects");
        for (DataReport.SourceSummary s : r.sources()) {
            o.printf(Locale.ROOT, "%-10s %8d %6.1f%% %8d %8d %6d %9d  %s%n", s.source(), s.samples(), 100 * s.share(),
                    s.tokens().p50(), s.tokens().p90(), s.duplicates(), s.conflicts(), ReportPrinter.reasons(s.rejects()));
        }
        o.println();
        for (DataReport.Slice s : r.slices()) {
            o.printf(Locale.ROOT, "%-16s %6d samples, tokens p10/p50/p90/p99 %d/%d/%d/%d%n", s.source() + "/" + s.kind(),
                    s.samples(), s.tokens().p10(), s.tokens().p50(), s.tokens().p90(), s.tokens().p99());
            s.templates().stream().limit(3).forEach(t -> o.printf(Locale.ROOT, "%22.1f%%  %s%n", 100 * t.share(),
                    t.example().equals(t.template()) ? t.template() : t.template() + "  " + t.example()));
        }
        o.println();
        o.println(r.mix().configured().isEmpty() ? "mix: collect.mix not set, all " + r.mix().used() + " samples used"
                : "mix " + r.mix().configured() + ": " + r.mix().used() + " samples used");
        DataReport.Estimate e = r.estimate();
        o.printf("next run (%s, %s): %d training examples, %d tokens%s%n", e.profile(), e.baseModel(), e.trainExamples(),
                e.trainTokens(), e.seconds() == null ? "" : String.format(Locale.ROOT, " at %.1f tokens/s ≈ %s",
                        e.tokensPerSecond(), DataReportHtml.duration(e.seconds())));
        o.println("  " + e.note() + (e.speedMethod() == null ? "" : "; speed: " + e.speedMethod()));
        r.warnings().forEach(w -> o.println("warning: " + w));
    }
}
