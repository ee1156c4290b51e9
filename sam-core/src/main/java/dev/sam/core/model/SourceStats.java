package dev.sam.core.model;

import java.util.Map;

/** Per-source counts in the manifest: accepted samples and rejects by reason. */
public record SourceStats(long samples, Map<String, Long> rejects, String updatedAt) {
    public SourceStats {
        rejects = rejects == null ? Map.of() : Map.copyOf(rejects);
    }
}
