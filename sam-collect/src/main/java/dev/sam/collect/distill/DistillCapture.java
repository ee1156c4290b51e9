package dev.sam.collect.distill;

/**
 * One captured assistant session, as {@code sam distill capture} reads it:
 * <pre>
 * {"prompt": "...", "reasoning": "...", "answer": "...",
 *  "correction": {"wrong_answer": "...", "explanation": "..."},
 *  "preference": {"chosen": "...", "rejected": "..."},
 *  "domain": "java", "quality": 0.9, "session_id": "...", "model": "..."}
 * </pre>
 * prompt and answer are required; a correction means an earlier answer (wrong_answer) was wrong and
 * answer is the corrected one; preference.chosen defaults to answer.
 */
public record DistillCapture(String prompt, String reasoning, String answer, Correction correction,
                             Preference preference, String domain, Double quality, String sessionId, String model) {

    /** An earlier wrong answer and, optionally, why it was wrong. */
    public record Correction(String wrongAnswer, String explanation) {
    }

    /** A DPO preference pair for the prompt. */
    public record Preference(String chosen, String rejected) {
    }

    /** correction, reasoning or answer: what the capture can teach. */
    public String kind() {
        if (correction != null) {
            return "correction";
        }
        return reasoning != null && !reasoning.isBlank() ? "reasoning" : "answer";
    }
}
