package dev.sam.train.data;

import java.util.List;

/**
 * Examples ready for batching, with what tokenization did to the data: how many sequences were cut to
 * {@code maxSeqLength} ({@code truncated}), and how many were dropped because the cut removed every
 * scored token ({@code droppedNoTargets}); {@code longest} is the longest sequence before truncation.
 */
public record TokenizedDataset(List<TokenizedExample> examples, int maxSeqLength, int truncated,
                               int droppedNoTargets, int longest, long tokens, long scoredTokens) {

    /** A human summary of truncation, or null when nothing was cut. */
    public String truncationWarning() {
        if (truncated == 0 && droppedNoTargets == 0) {
            return null;
        }
        return truncated + " sequence(s) longer than max_seq_length " + maxSeqLength + " were truncated (longest "
                + longest + " tokens)" + (droppedNoTargets > 0 ? "; " + droppedNoTargets
                + " were dropped because the cut removed the whole answer" : "");
    }
}
