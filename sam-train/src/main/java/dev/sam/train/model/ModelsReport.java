package dev.sam.train.model;

import dev.sam.train.runs.RunInfo;
import java.util.List;

/**
 * What {@code sam models} shows: the registered base models and the trained runs with their adapters,
 * metrics, verdicts and deployments (newest first). JSON keys only ever grow.
 */
public record ModelsReport(String baseDir, List<BaseModelInfo> baseModels, List<RunInfo> runs) {
    public ModelsReport {
        runs = runs == null ? List.of() : List.copyOf(runs);
    }
}
