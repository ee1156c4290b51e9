package dev.sam.train.eval;

import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.infer.Completion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of an evaluation: what was measured, {@link BlessingRule}'s decision and why. The original
 * spec's targets (train loss &lt; 1.0, val loss &lt; 1.5, perplexity &lt; 5) are reported beside it, pass or
 * fail, but do not decide it: they are absolute numbers for a 1.5B model and meaningless for others.
 */
final class Verdict {
    static final double TARGET_TRAIN = 1.0;
    static final double TARGET_VAL = 1.5;
    static final double TARGET_PPL = 5.0;

    private Verdict() {
    }

    static List<EvalReport.Sample> samples(GenerationProbe.Samples g) {
        List<EvalReport.Sample> out = new ArrayList<>();
        for (int i = 0; i < g.prompts().size(); i++) {
            Completion c = g.completions().get(i);
            PromptSet.Prompt p = g.prompts().get(i);
            out.add(new EvalReport.Sample(p.lastUserText(), p.source(), c.text(), c.completionTokens(),
                    c.finishReason()));
        }
        return out;
    }

    /** The report; {@code m} is null when nothing could be measured (the checks say why). */
    static EvalReport report(EvalTarget t, AdapterSanity.Result s, EvalReport.HeldOut ho, List<Check> checks,
                             SideBySide.Measured m, Double trainLoss, List<String> notes, SliceChoice slice,
                             double tolerance, EvalReport.Preference preference) {
        ModelMetrics cand = m == null ? null : m.candidate();
        ModelMetrics active = m == null ? null : m.active();
        Double v = cand == null ? null : cand.loss();
        Double ppl = v == null ? null : Math.exp(v);
        Double b = m == null || m.base() == null ? null : m.base().loss();
        Double a = active == null ? null : active.loss();
        Double repetition = m == null ? null : m.generation().repetitionRate();
        Map<String, EvalReport.TargetResult> targets = new LinkedHashMap<>();
        targets.put("train_loss", EvalReport.TargetResult.of(trainLoss, TARGET_TRAIN));
        targets.put("val_loss", EvalReport.TargetResult.of(v, TARGET_VAL));
        targets.put("perplexity", EvalReport.TargetResult.of(ppl, TARGET_PPL));
        JudgeResult judge = m == null ? JudgeResult.without(JudgeResult.NOT_RUN, "nothing was measured") : m.judge();
        BlessingRule.Decision d = BlessingRule.decide(new BlessingRule.Inputs(checks, slice != null || (m != null
                && !ho.source().startsWith("training")), cand, m == null ? null : m.base(), active,
                m == null ? null : m.activeVersion(), repetition, judge, tolerance, preference));
        Map<String, ModelMetrics> models = new LinkedHashMap<>();
        if (m != null) {
            models.put("candidate", cand);
            if (active != null) {
                models.put("active", active);
            }
            models.put("base", m.base());
        }
        EvalReport.Slice sl = slice == null ? null : new EvalReport.Slice(slice.slice().id(), slice.slice().createdAt(),
                ho.examples(), ho.targets(), slice.frozenNow());
        return new EvalReport(t.kind(), t.run() == null ? null : t.id(), t.kind().equals("version") ? t.id() : null,
                t.adaptersDir().toString(), t.baseModel(), s.base() == null ? null : s.base().dir().toString(),
                Evaluator.now(), ho, checks, m == null ? List.of() : samples(m.generation()), repetition, trainLoss, v,
                ppl, b, m == null ? null : m.activeVersion(), a, v == null || b == null ? null : v < b,
                v == null || a == null ? null : v < a, targets, d.blessed(), d.reason(), List.copyOf(notes), sl, models,
                m == null ? null : m.code(), judge, d.rules(), d.decidedBy(), preference);
    }
}
