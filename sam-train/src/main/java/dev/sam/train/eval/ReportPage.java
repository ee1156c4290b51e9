package dev.sam.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.json.Json;
import dev.sam.train.adapters.Check;
import dev.sam.train.runs.StepMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code runs/<id>/report.html}: one self-contained page (no scripts, no network, inline CSS and SVG)
 * with the verdict, the loss curves from metrics.jsonl, the evaluation table, the checks, the generated
 * samples and the run's effective configuration — something to open in a browser or attach to a PR.
 */
final class ReportPage {
    private ReportPage() {
    }

    static void write(Path file, EvalTarget t, EvalReport r, List<StepMetrics> rows, List<EvalHistory.Entry> history)
            throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>SAM run ")
                .append(esc(t.id())).append("</title>\n<style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;")
                .append("padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append(".ok{color:#17702a;font-weight:600}.bad{color:#b3261e;font-weight:600}")
                .append(".muted{color:#777}pre{white-space:pre-wrap;margin:0;font-size:12px}")
                .append(".banner{padding:.6em 1em;border-radius:6px;margin:1em 0}")
                .append(".yes{background:#e6f4ea}.no{background:#fce8e6}</style></head><body>\n");
        h.append("<h1>SAM training run ").append(esc(t.id())).append("</h1>\n");
        h.append("<p class=\"muted\">base model ").append(esc(r.baseModel())).append(" · evaluated ")
                .append(esc(r.evaluatedAt())).append(" · adapters ").append(esc(r.adaptersDir())).append("</p>\n");
        h.append("<div class=\"banner ").append(r.blessed() ? "yes\"><b>Blessed</b>" : "no\"><b>Not blessed</b>")
                .append(": ").append(esc(r.reason())).append("</div>\n");
        dataSummary(h, file.resolveSibling(dev.sam.train.datareport.DataReport.RUN_FILE));
        h.append("<h2>Loss</h2>\n").append(LossChart.svg(rows));
        if (rows.stream().anyMatch(m -> !m.isSupervised())) {
            h.append("<h2>Preference stage (DPO loss)</h2>\n").append(LossChart.preferenceSvg(rows));
        }
        evalTable(h, r);
        sideBySide(h, r);
        rules(h, r);
        if (r.slice() != null) {
            h.append("<h2>Versions on benchmark slice ").append(esc(r.slice().id())).append("</h2>\n<p class=\"muted\">")
                    .append(history.size()).append(" evaluation(s) on this slice, oldest first (frozen ")
                    .append(esc(r.slice().createdAt())).append("; <code>sam eval --history</code> lists them).</p>\n")
                    .append(HistoryChart.svg(history));
        }
        checks(h, r.checks());
        samples(h, r.samples());
        if (!r.notes().isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>\n");
        }
        if (t.plan() != null) {
            h.append("<h2>Configuration</h2>\n");
            table(h, Json.tree(t.plan()));
        }
        if (t.run() != null) {
            h.append("<h2>Run metrics</h2>\n");
            table(h, Json.tree(t.run().metrics()));
        }
        h.append("</body></html>\n");
        AtomicFiles.writeString(file, h.toString());
    }

    /** The summary of the data the run trained on (sam data report), when the run recorded one. */
    private static void dataSummary(StringBuilder h, Path json) {
        if (!java.nio.file.Files.isRegularFile(json)) {
            return;
        }
        try {
            var r = Json.mapper().readValue(java.nio.file.Files.readAllBytes(json),
                    dev.sam.train.datareport.DataReport.class);
            h.append("<h2>Training data</h2>\n").append(dev.sam.train.datareport.DataReportHtml.summary(r));
        } catch (IOException | RuntimeException e) {
            h.append("<p class=\"muted\">(the data summary ").append(esc(json.toString())).append(" is unreadable: ")
                    .append(esc(String.valueOf(e.getMessage()))).append(")</p>\n");
        }
    }

    private static void evalTable(StringBuilder h, EvalReport r) {
        h.append("<h2>Evaluation</h2>\n<p>Held-out: ").append(esc(r.heldOut().source())).append(", ")
                .append(r.heldOut().examples()).append(" examples, ").append(r.heldOut().targets())
                .append(" scored tokens.</p>\n<table><tr><th>metric</th><th>value</th><th>compared with</th>")
                .append("<th>verdict</th></tr>\n");
        row(h, "held-out loss (adapters)", num(r.valLoss()), "base " + num(r.baseValLoss()), verdict(r.beatsBase()));
        row(h, "held-out loss vs active", num(r.valLoss()), r.activeVersion() == null ? "no comparable active version"
                : r.activeVersion() + " " + num(r.activeValLoss()), verdict(r.beatsActive()));
        row(h, "repetition rate", r.repetitionRate() == null ? "–" : String.format(Locale.ROOT, "%.1f%%",
                r.repetitionRate() * 100), "< 5%", verdict(r.repetitionRate() == null ? null
                : r.repetitionRate() < 0.05));
        for (Map.Entry<String, EvalReport.TargetResult> e : r.targets().entrySet()) {
            row(h, "target: " + e.getKey().replace('_', ' '), num(e.getValue().value()),
                    "< " + e.getValue().threshold() + " (original spec)", verdict(e.getValue().passed()));
        }
        h.append("</table>\n");
    }

    private static void sideBySide(StringBuilder h, EvalReport r) {
        if (r.models().isEmpty()) {
            return;
        }
        h.append("<h2>Task metrics side by side</h2>\n<table><tr><th>metric</th>");
        MetricRows.columns(r).forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>\n");
        for (MetricRows.Row row : MetricRows.of(r)) {
            h.append("<tr><td>").append(esc(row.metric())).append("</td>");
            row.values().forEach(v -> h.append("<td>").append(esc(v)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("<tr><td>judge (candidate vs active)</td><td colspan=\"").append(r.models().size()).append("\">")
                .append(esc(r.judge().status())).append(r.judge().detail() == null ? "" : ": "
                + esc(r.judge().detail())).append("</td></tr>\n</table>\n");
        if (r.code() != null && !r.code().notes().isEmpty()) {
            h.append("<p class=\"muted\">").append(esc(String.join("; ", r.code().notes()))).append("</p>\n");
        }
    }

    private static void rules(StringBuilder h, EvalReport r) {
        h.append("<h2>Blessing rule</h2>\n<p>Decided by: <b>").append(esc(r.decidedBy()))
                .append("</b></p>\n<table><tr><th>rule</th><th>outcome</th><th>detail</th></tr>\n");
        for (RuleOutcome o : r.rules()) {
            h.append("<tr><td>").append(esc(o.rule())).append("</td><td>").append(o.outcome().equals(RuleOutcome.PASS)
                    ? "<span class=\"ok\">pass</span>" : o.outcome().equals(RuleOutcome.FAIL)
                    ? "<span class=\"bad\">fail</span>" : "<span class=\"muted\">not applicable</span>")
                    .append("</td><td>").append(esc(o.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void checks(StringBuilder h, List<Check> checks) {
        h.append("<h2>Checks</h2>\n<table><tr><th>check</th><th>outcome</th><th>detail</th></tr>\n");
        for (Check c : checks) {
            StringBuilder d = new StringBuilder(esc(c.detail()));
            c.problems().stream().limit(20).forEach(p -> d.append("<br>– ").append(esc(p)));
            h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.outcome().words()))
                    .append("</td><td>").append(d).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void samples(StringBuilder h, List<EvalReport.Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        h.append("<h2>Generated samples</h2>\n<table><tr><th>prompt</th><th>answer</th><th>tokens</th></tr>\n");
        for (EvalReport.Sample s : samples) {
            h.append("<tr><td><pre>").append(esc(s.prompt())).append("</pre><span class=\"muted\">")
                    .append(esc(s.source())).append("</span></td><td><pre>").append(esc(s.output()))
                    .append("</pre></td><td>").append(s.tokens()).append(" (").append(esc(s.finishReason()))
                    .append(")</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** A two-column table of a JSON object, nested objects flattened to dotted keys. */
    private static void table(StringBuilder h, JsonNode n) {
        h.append("<table>\n");
        flatten(h, "", n);
        h.append("</table>\n");
    }

    private static void flatten(StringBuilder h, String prefix, JsonNode n) {
        n.properties().forEach(e -> {
            String k = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(h, k + ".", v);
            } else {
                h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v.isTextual() ? v.asText()
                        : v.toString())).append("</td></tr>\n");
            }
        });
    }

    private static void row(StringBuilder h, String a, String b, String c, String d) {
        h.append("<tr><td>").append(esc(a)).append("</td><td>").append(b).append("</td><td>").append(c)
                .append("</td><td>").append(d).append("</td></tr>\n");
    }

    private static String verdict(Boolean ok) {
        return ok == null ? "<span class=\"muted\">not measured</span>" : ok ? "<span class=\"ok\">pass</span>"
                : "<span class=\"bad\">fail</span>";
    }

    private static String num(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.4f", d);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
