package dev.sam.deploy;

import dev.sam.core.model.ModelVersion;
import java.util.List;

/**
 * A completed deployment (or canary start): the plan that was carried out, the recorded version,
 * the version that was active before, and notes (leftovers removed, a real directory moved aside).
 */
public record DeployResult(DeployPlan plan, ModelVersion version, String previous, List<String> notes) {

    public DeployResult {
        notes = List.copyOf(notes);
    }
}
