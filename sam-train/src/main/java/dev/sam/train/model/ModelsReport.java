package dev.sam.train.model;

import java.util.List;

/**
 * What {@code sam models} shows. Today: the registered base models. Seam: trained runs and adapters
 * (issue 7) are to be added here as a second list next to {@code baseModels}, filled by the run
 * store, so that the JSON output gains a key and existing keys keep their meaning.
 */
public record ModelsReport(String baseDir, List<BaseModelInfo> baseModels) {
}
