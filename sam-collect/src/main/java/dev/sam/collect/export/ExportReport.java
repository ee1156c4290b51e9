package dev.sam.collect.export;

import java.util.List;
import java.util.Map;

/**
 * The result of {@code sam data export}.
 *
 * @param skipped lines that are not usable samples (counted, not exported)
 * @param files   the files written, absolute paths
 */
public record ExportReport(String format, String out, int validPercent, long train, long valid, long dpoTrain,
                           long dpoValid, long skipped, Map<String, Long> bySource, List<String> files) {
}
