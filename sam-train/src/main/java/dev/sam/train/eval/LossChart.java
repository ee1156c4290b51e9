package dev.sam.train.eval;

import dev.sam.train.runs.StepMetrics;
import java.util.List;
import java.util.Locale;

/** Training and validation loss over steps as an inline SVG line chart (no library, no script). */
final class LossChart {
    private static final int W = 900;
    private static final int H = 320;
    private static final int L = 60;
    private static final int R = 20;
    private static final int T = 20;
    private static final int B = 40;

    private LossChart() {
    }

    static String svg(List<StepMetrics> all) {
        return plot(all.stream().filter(StepMetrics::isSupervised).toList()); // DPO losses are another scale
    }

    /** The preference stage's DPO loss per step (its rows of metrics.jsonl); empty when the run had none. */
    static String preferenceSvg(List<StepMetrics> all) {
        return plot(all.stream().filter(m -> !m.isSupervised() && !m.isValidation() && m.loss() != null).toList());
    }

    private static String plot(List<StepMetrics> rows) {
        List<StepMetrics> train = rows.stream().filter(m -> !m.isValidation() && m.loss() != null).toList();
        List<StepMetrics> val = rows.stream().filter(StepMetrics::isValidation).toList();
        if (train.isEmpty()) {
            return "<p class=\"muted\">no training steps recorded</p>\n";
        }
        double maxStep = Math.max(1, rows.stream().mapToLong(StepMetrics::step).max().orElse(1));
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (StepMetrics m : rows) {
            double v = m.isValidation() ? m.valLoss() : m.loss();
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        lo = Math.max(0, lo - 0.05 * (hi - lo));
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"loss curves\">\n", W, H, W, H));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\""
                + " stroke=\"#999\"/>\n", L, T, W - L - R, H - T - B));
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = y(v, lo, hi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>\n",
                    L, W - R, y, y, L - 6, y + 4, v));
        }
        for (int i = 0; i <= 4; i++) {
            double st = maxStep * i / 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                    + "%.0f</text>\n", x(st, maxStep), H - B + 16, st));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">"
                + "optimizer step</text>\n", (L + W - R) / 2, H - 6));
        s.append(line(train, maxStep, lo, hi, false, "#1a73e8"));
        if (!val.isEmpty()) {
            s.append(line(val, maxStep, lo, hi, true, "#e8710a"));
            for (StepMetrics m : val) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#e8710a\"/>\n",
                        x(m.step(), maxStep), y(m.valLoss(), lo, hi)));
            }
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"#1a73e8\"/>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"12\">train loss</text>", W - R - 190, T + 12, W - R - 172,
                T + 16));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"#e8710a\"/>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"12\">validation loss</text>\n", W - R - 100, T + 12,
                W - R - 82, T + 16));
        return s.append("</svg>\n").toString();
    }

    private static String line(List<StepMetrics> rows, double maxStep, double lo, double hi, boolean val,
                               String color) {
        StringBuilder p = new StringBuilder();
        for (StepMetrics m : rows) {
            double v = val ? m.valLoss() : m.loss();
            if (Double.isFinite(v)) {
                p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(m.step(), maxStep), y(v, lo, hi)));
            }
        }
        return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"" + p.toString().trim()
                + "\"/>\n";
    }

    private static double x(double step, double maxStep) {
        return L + (W - L - R) * step / maxStep;
    }

    private static double y(double v, double lo, double hi) {
        return T + (H - T - B) * (1 - (v - lo) / (hi - lo));
    }
}
