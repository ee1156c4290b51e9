package dev.sam.cli.collect;

import dev.sam.cli.Table;
import dev.sam.collect.CollectReport;
import dev.sam.collect.SourceReport;
import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;

/** The human summary of a collection: one row per source, then rejects by reason and notes. */
final class ReportPrinter {
    private ReportPrinter() {
    }

    static void print(PrintWriter out, CollectReport r) {
        Table t = new Table("source", "scanned", "added", "rejected", "pairs", "");
        for (SourceReport s : r.sources()) {
            if (s.skipped() != null) {
                t.row(s.source(), "-", "-", "-", "-", "skipped: " + s.skipped());
            } else {
                t.row(s.source(), s.scanned(), s.added(), s.rejected(), s.pairs(), "");
            }
        }
        t.print(out);
        for (SourceReport s : r.sources()) {
            if (!s.rejects().isEmpty()) {
                out.println("rejected " + s.source() + ": " + reasons(s.rejects()));
            }
            s.notes().forEach(n -> out.println("note (" + s.source() + "): " + n));
        }
        out.println();
        String verb = r.dryRun() ? "would add " : "added ";
        out.printf("%s%d sample(s) in %.1fs; %d in total, %d preference pair(s)%s%n", verb, r.added(), r.seconds(),
                r.totalSamples(), r.preferencePairs(), r.dryRun() ? " (dry run: nothing was written)" : "");
        if (!r.dryRun()) {
            out.println("manifest: " + r.manifest());
        }
    }

    static String reasons(Map<String, Long> rejects) {
        return rejects.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
