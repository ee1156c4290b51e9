package dev.sam.cli.train;

import dev.sam.cli.Table;
import dev.sam.core.Bytes;
import dev.sam.train.adapters.Check;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.run.RunResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Human output of train/force/eval. */
final class RunPrinter {
    private RunPrinter() {
    }

    static void run(PrintWriter out, RunResult r) {
        Map<String, Object> m = r.run().metrics();
        out.println("run " + r.run().runId() + ": " + r.run().status().json() + (r.resumedFromStep() != null
                ? " (resumed from step " + r.resumedFromStep() + ")" : ""));
        out.println("  base model   " + r.run().baseModel() + " (profile " + r.run().profile() + ")");
        out.println("  data         " + m.get("train_samples") + " train / " + m.get("val_samples") + " validation"
                + " examples" + count(m, "truncated", "truncated") + count(m, "bad_lines", "bad lines skipped"));
        out.println("  steps        " + m.get("steps") + String.format(Locale.ROOT, " (%.2f epochs), %s tokens, %s "
                + "tok/s, peak RSS %s", num(m.get("epochs")), m.get("tokens"), fmt(m.get("tokens_per_s"), "%.0f"),
                mb(m.get("peak_rss"))));
        out.println("  train loss   " + fmt(m.get("train_loss"), "%.4f") + "   val loss " + fmt(m.get("val_loss"),
                "%.4f") + "   perplexity " + fmt(m.get("perplexity"), "%.3f"));
        if (r.eval() != null) {
            eval(out, r.eval());
        }
        out.println("  adapters     " + r.adaptersDir());
        out.println("  log          " + r.logFile());
        if (r.eval() != null) {
            out.println("  report       " + r.runDir() + "/report.html");
            out.println(r.eval().blessed() ? "next: `sam deploy --run " + r.run().runId() + "`"
                    : "next: improve the data (`sam collect`) and train again; `sam deploy --run " + r.run().runId()
                    + " --force` deploys it anyway");
        }
    }

    static void eval(PrintWriter out, EvalReport e) {
        out.println((e.blessed() ? "BLESSED" : "NOT BLESSED") + ": " + e.reason());
        Table t = new Table("  metric", "value", "compared with", "verdict");
        t.row("  held-out loss", fmt(e.valLoss(), "%.4f"), "base " + fmt(e.baseValLoss(), "%.4f"), ok(e.beatsBase()));
        t.row("  vs active version", fmt(e.valLoss(), "%.4f"), e.activeVersion() == null ? "none comparable"
                : e.activeVersion() + " " + fmt(e.activeValLoss(), "%.4f"), ok(e.beatsActive()));
        t.row("  repetition rate", e.repetitionRate() == null ? null : String.format(Locale.ROOT, "%.1f%%",
                e.repetitionRate() * 100), "< 5%", ok(e.repetitionRate() == null ? null : e.repetitionRate() < 0.05));
        e.targets().forEach((k, v) -> t.row("  target " + k.replace('_', ' '), fmt(v.value(), "%.4f"),
                "< " + v.threshold(), ok(v.passed())));
        t.print(out);
        out.println("  held-out: " + e.heldOut().source() + ", " + e.heldOut().examples() + " examples, "
                + e.heldOut().targets() + " answer tokens");
        EvalPrinter.sideBySide(out, e);
        for (Check c : e.checks()) {
            if (c.outcome() != Check.Outcome.PASSED) {
                out.println("  " + c.line());
                c.problems().stream().limit(10).forEach(p -> out.println("      - " + p));
            }
        }
        e.notes().forEach(n -> out.println("  note: " + n));
    }

    private static String ok(Boolean b) {
        return b == null ? "not measured" : b ? "pass" : "FAIL";
    }

    private static String count(Map<String, Object> m, String key, String what) {
        return m.get(key) instanceof Number n && n.longValue() > 0 ? ", " + n + " " + what : "";
    }

    static String fmt(Object v, String f) {
        return v instanceof Number n ? String.format(Locale.ROOT, f, n.doubleValue()) : "-";
    }

    private static double num(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String mb(Object v) {
        return v instanceof Number n ? Bytes.human(n.longValue()) : "unknown";
    }
}
