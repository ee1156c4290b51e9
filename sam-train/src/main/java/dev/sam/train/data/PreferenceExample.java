package dev.sam.train.data;

/**
 * One tokenized preference pair: the prompt followed by the chosen answer and by the rejected one, each
 * with the prompt masked (only the answer's tokens are scored, as TRL's DPOTrainer sums the completion's
 * log-probabilities).
 */
public record PreferenceExample(String location, String origin, TokenizedExample chosen, TokenizedExample rejected) {

    /** Tokens of the longer of the two rows. */
    public int longest() {
        return Math.max(chosen.length(), rejected.length());
    }
}
