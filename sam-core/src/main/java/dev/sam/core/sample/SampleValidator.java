package dev.sam.core.sample;

import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.List;
import java.util.Set;

/**
 * The one set of rules for samples, shared by the collector that stores them and the trainer that reads
 * them (original-spec "Data Validation"). {@link #shape} is what every reader needs — an answer to learn
 * (Alpaca: a non-empty output and an instruction or input; chat: known roles, every message with content,
 * the last one a non-empty assistant turn). {@link #problem} is what sam-collect demands before it stores
 * a sample: the shape, plus its metadata, non-blank turns, a user turn, length bounds and the quality
 * threshold. A stored sample therefore always loads.
 *
 * <pre>String why = new SampleValidator(0.3).problem(sample);   // null when fine</pre>
 */
public final class SampleValidator {
    /**
     * Upper bound of a whole sample in characters: about 3,000 tokens at ~4 characters a token, above the
     * full profile's max_seq_length of 2048; anything longer would mostly be cut off by the trainer.
     */
    public static final int MAX_CHARS = 12_000;
    /** An instruction shorter than this says nothing ("fix", "?"). */
    public static final int MIN_INSTRUCTION_CHARS = 8;
    /** Roles a reader accepts (the chat template's, "tool" included, as mlx-lm data may carry tool turns). */
    public static final Set<String> READ_ROLES = Set.of("system", "user", "assistant", "tool");
    /** Roles a collected sample may have: SAM's sources write no tool turns. */
    public static final Set<String> STORE_ROLES = Set.of("system", "user", "assistant");

    private final double minQuality;

    public SampleValidator(double minQuality) {
        this.minQuality = minQuality;
    }

    /** What keeps a sample from being trained on, or null. */
    public static SampleProblem shape(Sample s) {
        if (!s.isChat()) {
            if (blank(s.output())) {
                return SampleProblem.of(SampleProblem.EMPTY, "empty output", "Alpaca sample has an empty output");
            }
            if (blank(s.instruction()) && blank(s.input())) {
                return SampleProblem.of(SampleProblem.EMPTY, "empty instruction",
                        "Alpaca sample has neither instruction nor input");
            }
            return null;
        }
        List<ChatMessage> messages = s.messages();
        if (messages.isEmpty()) {
            return SampleProblem.of(SampleProblem.EMPTY, "no messages", "chat sample has no messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null || m.role() == null || !READ_ROLES.contains(m.role())) {
                return SampleProblem.of(SampleProblem.MISSING_FIELD, "unknown role", "message " + (i + 1)
                        + " has role " + (m == null ? null : "'" + m.role() + "'") + ", expected one of " + READ_ROLES);
            }
            if (m.content() == null) {
                return SampleProblem.of(SampleProblem.MISSING_FIELD, "missing content",
                        "message " + (i + 1) + " (" + m.role() + ") has no content");
            }
        }
        ChatMessage last = messages.get(messages.size() - 1);
        if (!last.role().equals("assistant")) {
            return SampleProblem.of(SampleProblem.MISSING_FIELD, "no assistant answer", "the last message is from '"
                    + last.role() + "', not the assistant: nothing to learn");
        }
        if (last.content().isBlank()) {
            return SampleProblem.of(SampleProblem.EMPTY, "empty output", "the assistant's answer is empty");
        }
        return null;
    }

    /** The reject reason (a {@link SampleProblem} code) of a sample about to be stored, or null when it is fine. */
    public String problem(Sample s) {
        if (s.id() == null || s.source() == null || s.quality() == null || s.createdAt() == null) {
            return SampleProblem.MISSING_FIELD;
        }
        if (!s.isChat() && (s.instruction() == null || s.input() == null || s.output() == null)) {
            return SampleProblem.MISSING_FIELD;
        }
        SampleProblem shape = shape(s);
        if (shape != null) {
            return shape.code();
        }
        String format = s.isChat() ? storedChatProblem(s.messages()) : storedAlpacaProblem(s);
        if (format != null) {
            return format;
        }
        if (!(s.quality() >= 0 && s.quality() <= 1)) {
            return SampleProblem.MISSING_FIELD;
        }
        return s.quality() < minQuality ? SampleProblem.LOW_QUALITY : null;
    }

    private static String storedAlpacaProblem(Sample s) {
        if (s.instruction().isBlank()) {
            return SampleProblem.EMPTY;
        }
        if (s.instruction().strip().length() < MIN_INSTRUCTION_CHARS) {
            return SampleProblem.TOO_SHORT;
        }
        long total = (long) s.instruction().length() + s.input().length() + s.output().length();
        return total > MAX_CHARS ? SampleProblem.TOO_LONG : null;
    }

    private static String storedChatProblem(List<ChatMessage> messages) {
        long total = 0;
        boolean user = false;
        for (ChatMessage m : messages) {
            if (!STORE_ROLES.contains(m.role())) {
                return SampleProblem.MISSING_FIELD;
            }
            if (m.content().isBlank()) {
                return SampleProblem.EMPTY;
            }
            user |= m.role().equals("user");
            total += m.content().length();
        }
        if (!user) {
            return SampleProblem.MISSING_FIELD;
        }
        return total > MAX_CHARS ? SampleProblem.TOO_LONG : null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
