package dev.sam.train.eval;

import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.GenerationCheck;
import dev.sam.train.data.PreparedData;
import dev.sam.train.infer.Completion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The blessing rule and the report that explains it. Blessed exactly when: every sanity check and the
 * generation check passed; the held-out examples are a real validation split; and the held-out loss
 * is lower than the base model's and (when there is a comparable active version) than the active
 * version's. The original spec's targets (train loss &lt; 1.0, val loss &lt; 1.5, perplexity &lt; 5) are
 * reported beside it, pass or fail, but do not decide it: they are absolute numbers for a 1.5B model
 * and meaningless for others.
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

    static EvalReport report(EvalTarget t, AdapterSanity.Result s, EvalReport.HeldOut ho, List<Check> checks,
                             List<EvalReport.Sample> samples, Double repetition, Double trainLoss,
                             HeldOutLoss.Result val, HeldOutLoss.Result base, ActiveComparison.Result active,
                             List<String> notes, PreparedData data) {
        Double v = val == null ? null : val.loss();
        Double ppl = val == null ? null : val.perplexity();
        Double b = base == null ? null : base.loss();
        Double a = active == null ? null : active.loss().loss();
        Boolean beatsBase = v == null || b == null ? null : v < b;
        Boolean beatsActive = v == null || a == null ? null : v < a;
        Map<String, EvalReport.TargetResult> targets = new LinkedHashMap<>();
        targets.put("train_loss", EvalReport.TargetResult.of(trainLoss, TARGET_TRAIN));
        targets.put("val_loss", EvalReport.TargetResult.of(v, TARGET_VAL));
        targets.put("perplexity", EvalReport.TargetResult.of(ppl, TARGET_PPL));

        List<String> why = new ArrayList<>();
        for (Check c : checks) {
            if (c.outcome() == Check.Outcome.FAILED) {
                why.add(c.name() + " check failed (" + c.detail() + ")");
            } else if (c.outcome() == Check.Outcome.NOT_RUN && c.name().equals(GenerationCheck.NAME)) {
                why.add("generation check not run (" + c.detail() + ")");
            }
        }
        if (data.heldOutIsTrain()) {
            why.add("no held-out examples (the losses were measured on the training examples)");
        }
        if (Boolean.FALSE.equals(beatsBase)) {
            why.add(String.format(Locale.ROOT, "held-out loss %.4f does not beat the base model's %.4f", v, b));
        }
        if (Boolean.FALSE.equals(beatsActive)) {
            why.add(String.format(Locale.ROOT, "held-out loss %.4f does not beat active version %s's %.4f", v,
                    active.version(), a));
        }
        if (v == null) {
            why.add("held-out loss not measured");
        }
        boolean blessed = why.isEmpty() && Boolean.TRUE.equals(beatsBase);
        String reason = blessed ? String.format(Locale.ROOT, "held-out loss %.4f beats the base model (%.4f)%s", v, b,
                active == null ? "" : String.format(Locale.ROOT, " and active version %s (%.4f)", active.version(), a))
                : String.join("; ", why);
        return new EvalReport(t.kind(), t.run() == null ? null : t.id(), t.kind().equals("version") ? t.id() : null,
                t.adaptersDir().toString(), t.baseModel(), s.base() == null ? null : s.base().dir().toString(),
                Evaluator.now(), ho, checks, samples, repetition, trainLoss, v, ppl, b,
                active == null ? null : active.version(), a, beatsBase, beatsActive, targets, blessed, reason,
                List.copyOf(notes));
    }
}
