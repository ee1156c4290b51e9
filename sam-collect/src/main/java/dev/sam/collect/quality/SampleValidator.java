package dev.sam.collect.quality;

import dev.sam.collect.Reasons;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.List;
import java.util.Set;

/**
 * The checks every sample passes before it is stored (DESIGN §3, original-spec "Data Validation"):
 * required fields of its format present and non-empty, length bounds, quality at least the threshold.
 * Returns the reject reason, or null when the sample is fine.
 *
 * <pre>String why = new SampleValidator(0.3).problem(sample);</pre>
 */
public final class SampleValidator {
    /**
     * Upper bound of a whole sample in characters: about 3,000 tokens at ~4 characters a token, above the
     * full profile's max_seq_length of 2048; anything longer would mostly be cut off by the trainer.
     */
    public static final int MAX_CHARS = 12_000;
    /** An instruction shorter than this says nothing ("fix", "?"). */
    public static final int MIN_INSTRUCTION_CHARS = 8;

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final double minQuality;

    public SampleValidator(double minQuality) {
        this.minQuality = minQuality;
    }

    public String problem(Sample s) {
        if (s.id() == null || s.source() == null || s.quality() == null || s.createdAt() == null) {
            return Reasons.MISSING_FIELD;
        }
        String format = s.isChat() ? chatProblem(s.messages()) : alpacaProblem(s);
        if (format != null) {
            return format;
        }
        if (!(s.quality() >= 0 && s.quality() <= 1)) {
            return Reasons.MISSING_FIELD;
        }
        return s.quality() < minQuality ? Reasons.LOW_QUALITY : null;
    }

    private static String alpacaProblem(Sample s) {
        if (s.instruction() == null || s.input() == null || s.output() == null) {
            return Reasons.MISSING_FIELD;
        }
        if (s.instruction().isBlank() || s.output().isBlank()) {
            return Reasons.EMPTY;
        }
        if (s.instruction().strip().length() < MIN_INSTRUCTION_CHARS) {
            return Reasons.TOO_SHORT;
        }
        long total = (long) s.instruction().length() + s.input().length() + s.output().length();
        return total > MAX_CHARS ? Reasons.TOO_LONG : null;
    }

    private static String chatProblem(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            return Reasons.EMPTY;
        }
        long total = 0;
        boolean user = false;
        for (ChatMessage m : messages) {
            if (m == null || m.role() == null || m.content() == null || !ROLES.contains(m.role())) {
                return Reasons.MISSING_FIELD;
            }
            if (m.content().isBlank()) {
                return Reasons.EMPTY;
            }
            user |= m.role().equals("user");
            total += m.content().length();
        }
        if (!user || !messages.get(messages.size() - 1).role().equals("assistant")) {
            return Reasons.MISSING_FIELD;
        }
        return total > MAX_CHARS ? Reasons.TOO_LONG : null;
    }
}
