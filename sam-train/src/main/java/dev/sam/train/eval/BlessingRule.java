package dev.sam.train.eval;

import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.GenerationCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The blessing rule (docs/user-guide.md, "Evaluation"), checked in this order; the first rule that fails
 * decides, and eval.json names it ({@code decided_by}):
 * <ol>
 * <li>{@code checks}: every sanity check and the generation check passed;</li>
 * <li>{@code held_out}: there are held-out examples (the frozen benchmark slice);</li>
 * <li>{@code beats_base}: held-out loss on the slice below the base model's;</li>
 * <li>{@code beats_active}: and below the active version's (not applicable without a comparable one);</li>
 * <li>{@code preference}: for a run trained with preference pairs, held-out preference accuracy at least the
 *     active version's on the same pairs (ties pass: the accuracy of a few pairs saturates at 1), or above
 *     0.5 without an active version (not applicable to runs without a preference stage);</li>
 * <li>{@code task_metrics}: no task metric (per-token accuracy overall and per source, commit exact match
 *     and chrF, code pass rate) more than {@code eval.tolerance} below the active version's;</li>
 * <li>{@code repetition}: repetition rate of the generated answers below 5%;</li>
 * <li>{@code judge}: the judge, when configured and reachable, does not prefer the active version
 *     significantly (sign test, p &lt; 0.05).</li>
 * </ol>
 */
final class BlessingRule {
    static final String ALL_PASSED = "all rules passed";
    private static final List<String> SOURCE_METRICS = List.of("accuracy", "exact_match", "chrf");

    private BlessingRule() {
    }

    /** What the rule looks at; {@code active} and {@code activeVersion} are null without a comparable active version. */
    record Inputs(List<Check> checks, boolean heldOut, ModelMetrics candidate, ModelMetrics base, ModelMetrics active,
                  String activeVersion, Double repetition, JudgeResult judge, double tolerance,
                  EvalReport.Preference preference) {
        /** Without preference pairs. */
        Inputs(List<Check> checks, boolean heldOut, ModelMetrics candidate, ModelMetrics base, ModelMetrics active,
               String activeVersion, Double repetition, JudgeResult judge, double tolerance) {
            this(checks, heldOut, candidate, base, active, activeVersion, repetition, judge, tolerance, null);
        }
    }

    record Decision(boolean blessed, String decidedBy, String reason, List<RuleOutcome> rules) {
    }

    static Decision decide(Inputs in) {
        List<RuleOutcome> rules = new ArrayList<>();
        List<String> failedChecks = in.checks().stream().filter(c -> c.outcome() == Check.Outcome.FAILED
                || (c.outcome() == Check.Outcome.NOT_RUN && c.name().equals(GenerationCheck.NAME)))
                .map(c -> c.name() + " check " + c.outcome().words() + " (" + c.detail() + ")").toList();
        rules.add(failedChecks.isEmpty() ? pass("checks", in.checks().size() + " checks passed")
                : fail("checks", String.join("; ", failedChecks)));
        rules.add(in.heldOut() ? pass("held_out", "measured on the frozen benchmark slice")
                : fail("held_out", "no held-out examples: nothing shows that the adapters generalize"));
        Double v = in.candidate() == null ? null : in.candidate().loss();
        Double b = in.base() == null ? null : in.base().loss();
        rules.add(v == null || b == null ? fail("beats_base", "held-out loss not measured")
                : v < b ? pass("beats_base", f("held-out loss %.4f < base model's %.4f", v, b))
                : fail("beats_base", f("held-out loss %.4f does not beat the base model's %.4f", v, b)));
        Double a = in.active() == null ? null : in.active().loss();
        rules.add(a == null || v == null ? na("beats_active", "no comparable active version")
                : v < a ? pass("beats_active", f("held-out loss %.4f < active version %s's %.4f", v, in.activeVersion(), a))
                : fail("beats_active", f("held-out loss %.4f does not beat active version %s's %.4f", v,
                in.activeVersion(), a)));
        rules.add(preference(in));
        rules.add(taskMetrics(in));
        rules.add(in.repetition() == null ? fail("repetition", "repetition not measured")
                : in.repetition() < GenerationCheck.MAX_REPETITION ? pass("repetition", f("%.1f%% < 5%%",
                in.repetition() * 100)) : fail("repetition", f("repetition rate %.1f%% is not below 5%%",
                in.repetition() * 100)));
        JudgeResult j = in.judge();
        rules.add(j == null || !j.status().equals(JudgeResult.MEASURED) ? na("judge", j == null
                ? JudgeResult.NOT_CONFIGURED : j.status() + (j.detail() == null ? "" : ": " + j.detail()))
                : j.prefersActive() ? fail("judge", "the judge prefers active version " + in.activeVersion()
                + " significantly (" + j.detail() + ")") : pass("judge", j.detail()));
        RuleOutcome first = rules.stream().filter(RuleOutcome::failed).findFirst().orElse(null);
        if (first != null) {
            return new Decision(false, first.rule(), first.detail(), rules);
        }
        String reason = f("held-out loss %.4f on the benchmark slice beats the base model (%.4f)", v, b)
                + (a == null ? "" : f(" and active version %s (%.4f)", in.activeVersion(), a));
        return new Decision(true, ALL_PASSED, reason, rules);
    }

    private static RuleOutcome preference(Inputs in) {
        EvalReport.Preference p = in.preference();
        if (p == null || p.candidate() == null) {
            return na("preference", "not trained with preference pairs");
        }
        double c = p.candidate();
        if (p.active() == null) {
            return c > 0.5 ? pass("preference", f("held-out preference accuracy %.3f > 0.5 on %d pairs", c, p.pairs()))
                    : fail("preference", f("held-out preference accuracy %.3f is not above 0.5 on %d pairs", c,
                    p.pairs()));
        }
        return c >= p.active() ? pass("preference", f("held-out preference accuracy %.3f >= active version %s's %.3f"
                + " on %d pairs", c, in.activeVersion(), p.active(), p.pairs()))
                : fail("preference", f("held-out preference accuracy %.3f is below active version %s's %.3f on %d pairs",
                c, in.activeVersion(), p.active(), p.pairs()));
    }

    /** Every task metric both measured for the candidate and the active version, compared with the tolerance. */
    private static RuleOutcome taskMetrics(Inputs in) {
        if (in.active() == null || in.candidate() == null) {
            return na("task_metrics", "no comparable active version");
        }
        List<String> worse = new ArrayList<>();
        int compared = compare(in, null, "accuracy", worse) + compare(in, null, "code_pass_rate", worse);
        for (Map.Entry<String, ModelMetrics.SourceMetrics> s : in.candidate().bySource().entrySet()) {
            for (String m : SOURCE_METRICS) {
                compared += compare(in, s.getKey(), m, worse);
            }
        }
        if (!worse.isEmpty()) {
            return fail("task_metrics", "worse than active version " + in.activeVersion() + " by more than "
                    + in.tolerance() + ": " + String.join(", ", worse));
        }
        return compared == 0 ? na("task_metrics", "no task metric measured for both")
                : pass("task_metrics", compared + " metrics within " + in.tolerance() + " of active version "
                + in.activeVersion() + " or better");
    }

    private static int compare(Inputs in, String source, String metric, List<String> worse) {
        Double c = in.candidate().metric(source, metric);
        Double a = in.active().metric(source, metric);
        if (c == null || a == null) {
            return 0;
        }
        if (c < a - in.tolerance()) {
            worse.add(f("%s %.3f < %.3f", (source == null ? "" : source + " ") + metric.replace('_', ' '), c, a));
        }
        return 1;
    }

    private static RuleOutcome pass(String rule, String detail) {
        return new RuleOutcome(rule, RuleOutcome.PASS, detail);
    }

    private static RuleOutcome fail(String rule, String detail) {
        return new RuleOutcome(rule, RuleOutcome.FAIL, detail);
    }

    private static RuleOutcome na(String rule, String detail) {
        return new RuleOutcome(rule, RuleOutcome.NOT_APPLICABLE, detail);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
