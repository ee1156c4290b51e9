package dev.sam.collect.distill;

import dev.sam.collect.CollectReport;
import java.util.List;

/**
 * The result of {@code sam distill capture} / {@code import}.
 *
 * @param read      documents read (1 for a capture, lines for an import)
 * @param captured  new captures stored
 * @param duplicates documents captured before (not stored again)
 * @param problems  the documents that were refused, each with its line number and reason
 * @param formats   valid documents per detected format ({@link TranscriptReader}: openai, sharegpt, capture)
 * @param collected what the captures became (samples, pairs, rejects)
 */
public record DistillReport(String origin, long read, long captured, long duplicates, List<Problem> problems,
                            java.util.Map<String, Long> formats, CollectReport collected) {

    /** A refused document: its line (1 for a single capture) and why. */
    public record Problem(long line, String reason) {
    }
}
