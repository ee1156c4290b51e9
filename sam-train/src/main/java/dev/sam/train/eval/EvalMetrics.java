package dev.sam.train.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** The numbers and verdict of an {@link EvalReport} as flat run metrics (keys of docs/formats.md, "Runs"). */
final class EvalMetrics {
    private EvalMetrics() {
    }

    static Map<String, Object> of(EvalReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blessed", r.blessed());
        m.put("eval_reason", r.reason());
        m.put("evaluated_at", r.evaluatedAt());
        m.put("val_loss", r.valLoss());
        m.put("perplexity", r.perplexity());
        m.put("base_val_loss", r.baseValLoss());
        m.put("active_version", r.activeVersion());
        m.put("active_val_loss", r.activeValLoss());
        m.put("repetition_rate", r.repetitionRate());
        m.put("beats_base", r.beatsBase());
        m.put("beats_active", r.beatsActive());
        m.put("decided_by", r.decidedBy());
        m.put("slice_id", r.slice() == null ? null : r.slice().id());
        ModelMetrics c = r.models().get("candidate");
        m.put("val_accuracy", c == null ? null : c.accuracy());
        m.put("code_pass_rate", c == null ? null : c.codePassRate());
        m.put("judge", r.judge() == null ? null : r.judge().status());
        if (r.preference() != null) {
            m.put("held_out_preference_accuracy", r.preference().candidate());
            m.put("active_preference_accuracy", r.preference().active());
        }
        r.targets().forEach((k, t) -> m.put("target_" + k + "_passed", t.passed()));
        return m;
    }
}
