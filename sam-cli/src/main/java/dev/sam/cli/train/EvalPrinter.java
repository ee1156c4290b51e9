package dev.sam.cli.train;

import dev.sam.cli.Table;
import dev.sam.train.eval.EvalHistory;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.MetricRows;
import dev.sam.train.eval.ModelMetrics;
import dev.sam.train.eval.RuleOutcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Human output of the side-by-side task metrics, the blessing rules and {@code sam eval --history}. */
final class EvalPrinter {
    private EvalPrinter() {
    }

    static void sideBySide(PrintWriter out, EvalReport e) {
        if (e.models().isEmpty()) {
            return;
        }
        List<String> head = new ArrayList<>();
        head.add("  on " + e.heldOut().source());
        head.addAll(MetricRows.columns(e));
        Table t = new Table(head.toArray(String[]::new));
        for (MetricRows.Row r : MetricRows.of(e)) {
            List<Object> cells = new ArrayList<>();
            cells.add("  " + r.metric());
            cells.addAll(r.values());
            t.row(cells.toArray());
        }
        t.print(out);
        out.println("  judge: " + e.judge().status() + (e.judge().detail() == null ? "" : " (" + e.judge().detail() + ")"));
        for (RuleOutcome o : e.rules()) {
            if (o.outcome().equals(RuleOutcome.FAIL)) {
                out.println("  rule " + o.rule() + " failed: " + o.detail());
            }
        }
        out.println("  decided by: " + e.decidedBy());
    }

    static void history(PrintWriter out, String sliceId, String createdAt, List<EvalHistory.Entry> entries, int other) {
        if (sliceId == null) {
            out.println("no benchmark slice yet: it is frozen by the first `sam eval` or training");
            return;
        }
        out.println("benchmark slice " + sliceId + " (frozen " + createdAt + "): " + entries.size() + " evaluation(s)"
                + (other > 0 ? "; " + other + " on earlier slices are not comparable and not shown" : ""));
        Table t = new Table("evaluated", "model", "blessed", "decided by", "loss", "base", "active", "accuracy", "chrF",
                "code");
        for (EvalHistory.Entry e : entries) {
            ModelMetrics c = e.candidate();
            t.row(e.evaluatedAt(), e.label(), e.blessed() ? "yes" : "no", e.decidedBy(), num(c == null ? null : c.loss()),
                    num(e.base() == null ? null : e.base().loss()), e.active() == null ? "-" : e.activeVersion() + " "
                    + num(e.active().loss()), pct(c == null ? null : c.accuracy()),
                    c == null || c.metric("commits", "chrf") == null ? "-" : String.format(Locale.ROOT, "%.3f",
                    c.metric("commits", "chrf")), pct(c == null ? null : c.codePassRate()));
        }
        t.print(out);
    }

    private static String num(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String pct(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }
}
