package dev.sam.collect.distill;

import java.util.Map;

/**
 * {@code sam distill stats}: the distillation database and what it became.
 *
 * @param pending captures not yet turned into samples (collected by the next `sam collect`)
 */
public record DistillStats(long captures, Map<String, Long> byKind, Map<String, Long> byDomain,
                           double averageQuality, String firstCapture, String lastCapture, long samples,
                           long preferencePairs, Map<String, Long> rejects, long pending) {
}
