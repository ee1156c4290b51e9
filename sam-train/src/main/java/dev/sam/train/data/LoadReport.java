package dev.sam.train.data;

import java.util.List;
import java.util.Map;

/**
 * What {@link TrainingDataLoader} read: files and lines, valid records per source, and every line it
 * skipped, counted by reason with the first {@link TrainingDataLoader#MAX_DETAILS} as "file:line: reason".
 * {@code preferencePairs} counts DPO records ({@code prompt, chosen, rejected}): valid data, but not for
 * supervised fine-tuning, so they are neither loaded nor counted as problems.
 */
public record LoadReport(int files, long lines, long valid, Map<String, Long> validBySource, long skipped,
                         Map<String, Long> skippedByReason, List<String> skippedDetails, long preferencePairs) {
}
