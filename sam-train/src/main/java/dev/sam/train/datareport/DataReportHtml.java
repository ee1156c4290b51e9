package dev.sam.train.datareport;

import dev.sam.train.datareport.DataReport.Lengths;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML of {@code sam data report --html}: one self-contained page (inline CSS, no scripts, no
 * network) with exactly the numbers of the JSON report. {@link #summary} is the part shown at the top of
 * each training run's report.html.
 *
 * <pre>String page = DataReportHtml.page(report);</pre>
 */
public final class DataReportHtml {
    private static final String CSS = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;"
            + "color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:"
            + "tabular-nums}.muted{color:#777}pre{white-space:pre-wrap;margin:0;font-size:12px;max-width:480px}"
            + ".warn{background:#fff4e5;padding:.5em 1em;border-radius:6px}";

    private DataReportHtml() {
    }

    public static String page(DataReport r) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>SAM training data</title>\n")
                .append("<style>").append(CSS).append("</style></head><body>\n<h1>SAM training data</h1>\n");
        h.append(summary(r));
        h.append("<h2>Samples per source</h2>\n<p class=\"muted\">").append(SHOWN_NOTE).append(r.seed())
                .append(").</p>\n");
        for (DataReport.SourceSummary s : r.sources()) {
            h.append("<h3>").append(esc(s.source())).append("</h3>\n<table><tr><th>id</th><th>kind</th>")
                    .append("<th>template</th><th>prompt</th><th>answer</th></tr>\n");
            for (DataReport.Shown x : s.examples()) {
                h.append("<tr><td>").append(esc(x.id())).append("</td><td>").append(esc(x.kind())).append("</td><td>")
                        .append(esc(x.template())).append("</td><td><pre>").append(esc(x.prompt()))
                        .append("</pre></td><td><pre>").append(esc(x.answer())).append("</pre></td></tr>\n");
            }
            h.append("</table>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static final String SHOWN_NOTE = "Up to 10 random samples per source (seeded reservoir sampling, seed ";

    /** Totals, sources, slices, rejects, mix and the training-time estimate: the summary of the data. */
    public static String summary(DataReport r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<section class=\"data-summary\">\n<p><b data-k=\"samples\">").append(r.samples())
                .append("</b> samples · tokens counted with ").append(esc(r.tokenizer())).append(" · ")
                .append(esc(r.generatedAt())).append("</p>\n");
        if (!r.warnings().isEmpty()) {
            h.append("<div class=\"warn\"><ul>");
            r.warnings().forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
            h.append("</ul></div>\n");
        }
        estimate(h, r.estimate());
        h.append("<h2>Sources</h2>\n<table><tr><th>source</th><th>samples</th><th>share</th><th>tokens p50</th>")
                .append("<th>p90</th><th>duplicates</th><th>conflicts</th><th>rejects by reason</th></tr>\n");
        for (DataReport.SourceSummary s : r.sources()) {
            h.append("<tr data-source=\"").append(esc(s.source())).append("\"><td>").append(esc(s.source()))
                    .append("</td>").append(n("samples", s.samples())).append(pct("share", s.share()))
                    .append(n("p50", s.tokens().p50())).append(n("p90", s.tokens().p90()))
                    .append(n("duplicates", s.duplicates())).append(n("conflicts", s.conflicts())).append("<td>");
            s.rejects().forEach((k, v) -> h.append("<span data-reject=\"").append(esc(k)).append("\">").append(esc(k))
                    .append(" ").append(v).append("</span> "));
            h.append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Kinds</h2>\n<table><tr><th>source/kind</th><th>samples</th><th>share</th>")
                .append("<th>tokens p10</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>total</th>")
                .append("<th>top instruction templates (share of the kind)</th></tr>\n");
        for (DataReport.Slice s : r.slices()) {
            Lengths t = s.tokens();
            h.append("<tr data-slice=\"").append(esc(s.source() + "/" + s.kind())).append("\"><td>")
                    .append(esc(s.source() + "/" + s.kind())).append("</td>").append(n("samples", s.samples()))
                    .append(pct("share", s.share())).append(n("p10", t.p10())).append(n("p50", t.p50()))
                    .append(n("p90", t.p90())).append(n("p99", t.p99())).append(n("max", t.max()))
                    .append(n("total", t.total())).append("<td>");
            templates(h, s.templates());
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
        mix(h, r.mix());
        return h.append("</section>\n").toString();
    }

    private static void templates(StringBuilder h, List<DataReport.Template> ts) {
        for (DataReport.Template t : ts) {
            h.append("<div>").append(String.format(Locale.ROOT, "%.1f%%", 100 * t.share())).append(" ")
                    .append(esc(t.template())).append(t.example().equals(t.template()) ? ""
                            : " <span class=\"muted\">" + esc(t.example()) + "</span>").append("</div>");
        }
    }

    private static void mix(StringBuilder h, DataReport.Mix m) {
        h.append("<h2>Mix of the next run</h2>\n<p>").append(m.configured().isEmpty()
                ? "collect.mix is not set: every sample is used." : "collect.mix " + esc(m.configured().toString()))
                .append("</p>\n<table><tr><th>slice</th><th>available</th><th>used</th><th>share</th></tr>\n");
        for (Map.Entry<String, DataReport.MixSlice> e : m.slices().entrySet()) {
            h.append("<tr data-mix=\"").append(esc(e.getKey())).append("\"><td>").append(esc(e.getKey())).append("</td>")
                    .append(n("available", e.getValue().available())).append(n("used", e.getValue().used()))
                    .append(pct("share", e.getValue().share())).append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void estimate(StringBuilder h, DataReport.Estimate e) {
        h.append("<p data-k=\"estimate\">Next run (profile ").append(esc(e.profile())).append(", ")
                .append(esc(e.baseModel())).append("): ").append(e.trainExamples()).append(" training examples, ")
                .append(e.trainTokens()).append(" tokens to process");
        if (e.seconds() != null) {
            h.append(String.format(Locale.ROOT, " at %.1f tokens/s ≈ <b data-k=\"seconds\">%s</b>", e.tokensPerSecond(),
                    duration(e.seconds()))).append(" <span class=\"muted\">(speed measured ")
                    .append(esc(e.speedMeasuredAt())).append(": ").append(esc(e.speedMethod())).append(")</span>");
        }
        h.append(". <span class=\"muted\">").append(esc(e.note())).append("</span></p>\n");
    }

    /** "3 h 05 min", "12 min", "40 s". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        long min = s / 60;
        return min < 60 ? min + " min" : String.format(Locale.ROOT, "%d h %02d min", min / 60, min % 60);
    }

    private static String n(String key, long v) {
        return "<td class=\"n\" data-k=\"" + key + "\">" + v + "</td>";
    }

    private static String pct(String key, double share) {
        return "<td class=\"n\" data-k=\"" + key + "\">" + String.format(Locale.ROOT, "%.2f%%", 100 * share) + "</td>";
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
