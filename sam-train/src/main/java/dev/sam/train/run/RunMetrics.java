package dev.sam.train.run;

import dev.sam.train.data.PreparedData;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.StepMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training metrics of a run (TrainingRun.metrics plus counts, docs/formats.md "Lifecycle"), computed from what the
 * loop measured and from metrics.jsonl (so a resumed run's numbers cover all its steps):
 * train_loss (mean step loss over the last ~epoch of steps), val_loss and perplexity (held-out, final
 * adapters), steps, tokens, tokens_per_s (over the time spent in steps), peak_rss, sample counts,
 * truncated/dropped sequences and skipped lines.
 */
final class RunMetrics {
    private RunMetrics() {
    }

    static Map<String, Object> training(TrainingLoop.Outcome o, RunPlan plan, PreparedData d, List<StepMetrics> rows,
                                        Long resumedFrom) {
        Map<String, Object> m = new LinkedHashMap<>();
        long tokens = 0;
        double stepSeconds = 0;
        for (StepMetrics r : rows) {
            if (!r.isValidation() && r.tokens() != null) {
                tokens += r.tokens();
                if (r.tokensPerS() != null && r.tokensPerS() > 0) {
                    stepSeconds += r.tokens() / r.tokensPerS();
                }
            }
        }
        m.put("train_loss", finite(o.trainLoss()));
        m.put("train_loss_steps", o.window());
        if (o.finalVal() != null) {
            m.put("val_loss", finite(o.finalVal().loss()));
            m.put("perplexity", finite(o.finalVal().perplexity()));
        }
        m.put("steps", o.stepsDone());
        m.put("total_steps", o.totalSteps());
        m.put("epochs", (double) o.stepsDone() * plan.settings().gradAccum() / plan.data().batchesPerEpoch());
        m.put("tokens", tokens);
        m.put("tokens_per_s", stepSeconds > 0 ? tokens / stepSeconds : null);
        m.put("elapsed_s", o.elapsedS());
        m.put("peak_rss", ResourceUsage.peakRssBytes());
        m.put("train_samples", d.train().examples().size());
        m.put("val_samples", d.valid().examples().size());
        m.put("held_out_is_train", d.heldOutIsTrain());
        m.put("truncated", d.train().truncated() + d.valid().truncated());
        m.put("dropped", d.train().droppedNoTargets() + d.valid().droppedNoTargets());
        m.put("bad_lines", d.load().skipped());
        m.put("weighting", plan.weighting());
        m.put("curriculum", plan.curriculum());
        if (resumedFrom != null) {
            m.put("resumed_from_step", resumedFrom);
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
