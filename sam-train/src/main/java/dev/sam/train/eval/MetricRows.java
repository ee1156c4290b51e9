package dev.sam.train.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The side-by-side table of an evaluation — one row per task metric, one column per model (candidate,
 * active version, base model) — as text cells, for {@code sam eval}'s output and report.html alike.
 *
 * <pre>for (MetricRows.Row row : MetricRows.of(report)) { ... }</pre>
 */
public final class MetricRows {
    private MetricRows() {
    }

    /** A metric and its value per column ("–": not measured). */
    public record Row(String metric, List<String> values) {
    }

    /** Column heads: "candidate", "active vX.Y.Z" (when compared), "base model". */
    public static List<String> columns(EvalReport r) {
        List<String> out = new ArrayList<>();
        r.models().forEach((k, m) -> out.add(k.equals("active") ? "active " + r.activeVersion()
                : k.equals("base") ? "base model" : k));
        return out;
    }

    public static List<Row> of(EvalReport r) {
        List<ModelMetrics> ms = List.copyOf(r.models().values());
        List<Row> rows = new ArrayList<>();
        if (ms.isEmpty()) {
            return rows;
        }
        rows.add(row("held-out loss", ms, m -> num(m.loss(), "%.4f")));
        rows.add(row("token accuracy", ms, m -> pct(m.accuracy())));
        TreeSet<String> sources = new TreeSet<>();
        ms.forEach(m -> sources.addAll(m.bySource().keySet()));
        for (String s : sources) {
            rows.add(row(s + ": loss", ms, m -> num(src(m, s, ModelMetrics.SourceMetrics::loss), "%.4f")));
            rows.add(row(s + ": token accuracy", ms, m -> pct(src(m, s, ModelMetrics.SourceMetrics::accuracy))));
            if (s.equals(SliceMetrics.COMMITS)) {
                rows.add(row(s + ": exact match", ms, m -> pct(src(m, s, ModelMetrics.SourceMetrics::exactMatch))
                        + generated(m, s)));
                rows.add(row(s + ": chrF", ms, m -> num(src(m, s, ModelMetrics.SourceMetrics::chrf), "%.3f")));
            }
        }
        rows.add(row("code pass rate", ms, m -> m.codeTasks() == null || m.codeTasks() == 0 ? "–"
                : m.codePassed() + "/" + m.codeTasks() + " (" + pct(m.codePassRate()) + ")"));
        return rows;
    }

    private static Row row(String metric, List<ModelMetrics> ms, Function<ModelMetrics, String> cell) {
        return new Row(metric, ms.stream().map(m -> m == null ? "–" : cell.apply(m)).toList());
    }

    private static Double src(ModelMetrics m, String source, Function<ModelMetrics.SourceMetrics, Double> f) {
        Map<String, ModelMetrics.SourceMetrics> by = m.bySource();
        return by.containsKey(source) ? f.apply(by.get(source)) : null;
    }

    private static String generated(ModelMetrics m, String source) {
        ModelMetrics.SourceMetrics s = m.bySource().get(source);
        return s == null || s.generated() == null || s.generated() == 0 ? "" : " of " + s.generated();
    }

    static String num(Double d, String f) {
        return d == null ? "–" : String.format(Locale.ROOT, f, d);
    }

    static String pct(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }
}
