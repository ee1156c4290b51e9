package dev.sam.collect.distill;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.PreferencePair;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a capture becomes. A correction is the question answered by the corrected answer, weighted 1.0, the
 * highest of any sample ("error corrections (highest value)" of the original pipeline), plus a DPO pair
 * corrected-over-wrong: the wrong answer is only ever the pair's rejected side, never an assistant turn
 * of a sample (a trainer that scores every assistant turn — TRL's SFTTrainer, mlx-lm without
 * mask_prompt — would otherwise learn it; the explanation of the mistake stays in the sample's meta); a
 * reasoning chain is a chat whose
 * answer shows the reasoning first (0.9); a plain answer 0.75. A given quality may lower these, never
 * raise a non-correction to the weight of a correction.
 */
final class DistillSamples {
    static final double CORRECTION = 1.0;
    static final double REASONING = 0.9;
    static final double ANSWER = 0.75;
    private static final double CAP = 0.95;

    private DistillSamples() {
    }

    static double quality(DistillCapture d) {
        if (d.correction() != null) {
            return CORRECTION;
        }
        double base = d.kind().equals("reasoning") ? REASONING : ANSWER;
        return d.quality() == null ? base : Math.min(CAP, d.quality());
    }

    static Sample sample(long id, DistillCapture d) {
        String answer = d.reasoning() == null || d.reasoning().isBlank() ? d.answer()
                : d.reasoning().strip() + "\n\n" + d.answer();
        List<ChatMessage> m = new ArrayList<>();
        m.add(new ChatMessage("user", d.prompt()));
        m.add(new ChatMessage("assistant", answer));
        Map<String, Object> meta = meta(id, d);
        if (d.correction() != null && d.correction().explanation() != null && !d.correction().explanation().isBlank()) {
            meta.put("correction_explanation", d.correction().explanation().strip());
        }
        return Sample.chat(null, null, quality(d), null, m, meta).withOrigin(SampleOrigin.session(d.sessionId(), id));
    }

    /** DPO pairs: the explicit preference, and corrected-over-wrong for a correction. */
    static List<PreferencePair> pairs(long id, DistillCapture d) {
        List<PreferencePair> out = new ArrayList<>();
        if (d.correction() != null) {
            out.add(new PreferencePair(d.prompt(), d.answer(), d.correction().wrongAnswer(), null, null, null,
                    meta(id, d)));
        }
        if (d.preference() != null) {
            out.add(new PreferencePair(d.prompt(), d.preference().chosen(), d.preference().rejected(), null, null, null,
                    meta(id, d)));
        }
        return out;
    }

    private static Map<String, Object> meta(long id, DistillCapture d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", d.kind());
        m.put("capture_id", id);
        if (d.domain() != null) {
            m.put("domain", d.domain());
        }
        if (d.model() != null) {
            m.put("model", d.model());
        }
        if (d.sessionId() != null) {
            m.put("session_id", d.sessionId());
        }
        return m;
    }
}
