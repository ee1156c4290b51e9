package dev.sam.train.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Each evaluation's numbers on the frozen benchmark slice, oldest to newest, as two inline SVG charts (no
 * library, no script): held-out loss of candidate, active version and base model on a logarithmic axis
 * (losses of a learning model shrink by factors, and a log axis shows a 10% gain the same at 3.0 and at
 * 0.3), and the rates (token accuracy, commit chrF, code pass rate) on a linear 0–100% axis.
 */
final class HistoryChart {
    private static final int W = 900;
    private static final int H = 280;
    private static final int L = 64;
    private static final int R = 150;
    private static final int T = 16;
    private static final int B = 56;

    private HistoryChart() {
    }

    /** One plotted series: its name, colour, dashed or not, and its value per entry (null: none). */
    private record Series(String name, String color, boolean dashed, Function<EvalHistory.Entry, Double> value) {
    }

    static String svg(List<EvalHistory.Entry> entries) {
        if (entries.isEmpty()) {
            return "<p class=\"muted\">no evaluation on this benchmark slice yet</p>\n";
        }
        List<Series> loss = List.of(
                new Series("candidate", "#1a73e8", false, e -> loss(e.candidate())),
                new Series("active version", "#188038", true, e -> loss(e.active())),
                new Series("base model", "#777777", true, e -> loss(e.base())));
        List<Series> rates = List.of(
                new Series("token accuracy", "#1a73e8", false, e -> e.candidate() == null ? null : e.candidate().accuracy()),
                new Series("commit chrF", "#e8710a", false, e -> e.candidate() == null ? null
                        : e.candidate().metric(SliceMetrics.COMMITS, "chrf")),
                new Series("code pass rate", "#a142f4", false, e -> e.candidate() == null ? null
                        : e.candidate().codePassRate()));
        return chart(entries, loss, true, "held-out loss (log scale)") + chart(entries, rates, false,
                "candidate's rates (%)");
    }

    private static Double loss(ModelMetrics m) {
        return m == null || m.loss() == null || !(m.loss() > 0) ? null : m.loss();
    }

    private static String chart(List<EvalHistory.Entry> entries, List<Series> series, boolean log, String title) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (Series s : series) {
            for (EvalHistory.Entry e : entries) {
                Double v = s.value().apply(e);
                if (v != null && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return "<p class=\"muted\">" + title + ": nothing measured</p>\n";
        }
        if (log) {
            lo = lo / 1.15;
            hi = hi * 1.15;
        } else {
            lo = 0;
            hi = Math.max(hi, 0.1);
        }
        StringBuilder s = new StringBuilder();
        s.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " role=\"img\" aria-label=\"%s\">\n", W, H, W, H, title));
        s.append(f("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#999\"/>\n", L, T,
                W - L - R, H - T - B));
        s.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 %d %d)\" text-anchor=\"middle\">"
                + "%s</text>\n", 14, (T + H - B) / 2, 14, (T + H - B) / 2, title));
        for (double tick : ticks(lo, hi, log)) {
            double y = y(tick, lo, hi, log);
            s.append(f("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\""
                    + " font-size=\"11\" text-anchor=\"end\">%s</text>\n", L, W - R, y, y, L - 6, y + 4,
                    log ? f("%.3g", tick) : f("%.0f", tick * 100)));
        }
        int n = entries.size();
        int every = Math.max(1, (int) Math.ceil(n / 12.0));
        for (int i = 0; i < n; i += every) {
            String label = entries.get(i).label();
            s.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">"
                    + "%s</text>\n", x(i, n), H - B + 14, x(i, n), H - B + 14, ReportPage.esc(label.length() > 22
                    ? label.substring(0, 22) : label)));
        }
        int legend = T + 14;
        for (Series se : series) {
            List<String> pts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Double v = se.value().apply(entries.get(i));
                if (v != null && Double.isFinite(v) && (!log || v > 0)) {
                    pts.add(f("%.1f,%.1f", x(i, n), y(v, lo, hi, log)));
                    s.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %.4f</title></circle>\n",
                            x(i, n), y(v, lo, hi, log), se.color(), ReportPage.esc(entries.get(i).label()), se.name(), v));
                }
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(se.color()).append("\" stroke-width=\"1.5\"")
                    .append(se.dashed() ? " stroke-dasharray=\"5,4\"" : "").append(" points=\"")
                    .append(String.join(" ", pts)).append("\"/>\n");
            s.append(f("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\""
                    + " font-size=\"12\">%s</text>\n", W - R + 10, legend - 4, se.color(), W - R + 30, legend, se.name()));
            legend += 18;
        }
        return s.append("</svg>\n").toString();
    }

    /** Axis ticks: 1-2-5 steps per decade on a log axis (at least the ends), tenths on a linear one. */
    static List<Double> ticks(double lo, double hi, boolean log) {
        List<Double> out = new ArrayList<>();
        if (!log) {
            for (double t = 0; t <= hi + 1e-9; t += hi > 0.5 ? 0.2 : 0.1) {
                out.add(t);
            }
            return out;
        }
        for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
            for (double m : new double[] {1, 2, 5}) {
                double t = m * Math.pow(10, e);
                if (t >= lo && t <= hi) {
                    out.add(t);
                }
            }
        }
        if (out.size() < 2) {
            out.clear();
            out.add(lo);
            out.add(Math.sqrt(lo * hi));
            out.add(hi);
        }
        return out;
    }

    private static double x(int i, int n) {
        return n == 1 ? L + (W - L - R) / 2.0 : L + 20 + (W - L - R - 40) * (double) i / (n - 1);
    }

    static double y(double v, double lo, double hi, boolean log) {
        double u = log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
        return T + (H - T - B) * (1 - u);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
