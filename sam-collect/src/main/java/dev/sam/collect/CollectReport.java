package dev.sam.collect;

import java.util.List;

/**
 * The result of {@code sam collect} (and of the collection that {@code sam distill capture/import} run).
 *
 * @param totalSamples    samples on disk after the run (all sources, as in manifest.json)
 * @param preferencePairs DPO pairs on disk after the run
 * @param warnings        repairs and problems found (interrupted earlier runs, adopted files, bad inputs)
 */
public record CollectReport(boolean dryRun, List<SourceReport> sources, long added, long rejected, long totalSamples,
                            long preferencePairs, String manifest, List<String> warnings, double seconds) {
}
