package dev.sam.quickstart;

import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.Evaluator;
import dev.sam.train.run.InterruptSignal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step 7 ({@code sam eval RUN}): evaluates run 1 again — sanity, generation on fixed and held-out prompts
 * (repetition rate), held-out loss against the base model and the active version — and rewrites its
 * eval.json and report.html. The quickstart reports the verdict as it is.
 */
final class EvaluateStep implements Step {
    @Override
    public String name() {
        return "evaluate run 1 (sam eval)";
    }

    @Override
    public String remedy() {
        return "run `sam --sam-home DIR eval RUN_ID` to see the evaluation's own message";
    }

    @Override
    public Outcome run(QuickstartContext ctx) {
        TrainedRun t = ctx.first;
        EvalReport e;
        try (InterruptSignal stop = InterruptSignal.install()) {
            e = new Evaluator(ctx.home, ctx.config, ctx.db).evaluate(t.runId(), stop);
        }
        ctx.first = new TrainedRun(t.runId(), t.seed(), t.forcedTraining(), t.samples(), t.steps(), t.trainLoss(),
                e.valLoss(), e.baseValLoss(), e.activeVersion(), e.activeValLoss(), e.repetitionRate(), e.blessed(),
                e.reason(), null, null, false, t.runDir(), t.report(), t.log(), t.discarded());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("eval", e);
        return new Outcome((e.blessed() ? "BLESSED: " : "NOT BLESSED: ") + e.reason() + "; repetition rate "
                + pct(e.repetitionRate()) + " over " + e.samples().size() + " generated answers", d);
    }

    static String pct(Double r) {
        return r == null ? "not measured" : String.format(java.util.Locale.ROOT, "%.1f%%", r * 100);
    }
}
