package dev.sam.train.run;

import dev.sam.train.data.PreferencePairs;
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
            if (r.isSupervised() && !r.isValidation() && r.tokens() != null) {
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

    /**
     * The preference stage's metrics: method and stages, the pairs used and skipped, DPO settings, and — when
     * the stage ran — its last step's loss, reward accuracy and margin and the held-out preference accuracy
     * before and after it.
     */
    static Map<String, Object> preference(PreferenceStage.Outcome o, RunPlan plan, PreferencePairs pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", plan.method());
        m.put("stages", o == null ? (plan.trainsSft() ? List.of("sft") : List.of()) : plan.trainsSft()
                ? List.of("sft", "dpo") : List.of("dpo"));
        m.put("dpo_pairs", pairs.train().size());
        m.put("dpo_held_out_pairs", pairs.heldOutIsTrain() ? 0 : pairs.valid().size());
        m.put("dpo_skipped_pairs", pairs.skippedTotal());
        m.put("dpo_beta", plan.settings().dpo().beta());
        m.put("dpo_label_smoothing", plan.settings().dpo().labelSmoothing());
        m.put("dpo_reference", plan.settings().dpo().reference());
        if (o != null) {
            m.put("dpo_steps", o.steps());
            m.put("dpo_loss", finite(o.loss()));
            m.put("dpo_reward_accuracy", finite(o.rewardAccuracy()));
            m.put("dpo_reward_margin", finite(o.rewardMargin()));
            if (o.before() != null) { // null: stopped before the stage measured anything
                m.put("preference_accuracy_before", o.before().accuracy());
            }
            if (o.after() != null) {
                m.put("preference_accuracy", o.after().accuracy());
            }
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
