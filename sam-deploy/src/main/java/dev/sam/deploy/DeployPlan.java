package dev.sam.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sam.deploy.adapter.ValidationReport;
import java.util.List;

/**
 * Everything a deployment would do, decided before anything is written: what `sam deploy --dry-run`
 * prints, and what `sam deploy` carries out.
 *
 * @param mode        "deploy" or "canary"
 * @param runId       the SAM run the adapters come from, or null for external adapters
 * @param previous    the active version before (null when none)
 * @param blockers    why it would be refused; empty when it can go ahead
 * @param steps       every step in order, as sentences
 */
public record DeployPlan(String mode, String version, String source, String runId, String baseModel,
                         List<PlannedFile> files, long totalBytes, String versionDir, String activeLink,
                         String previous, String canary, Integer canaryTraffic, ValidationReport validation,
                         List<String> steps, List<String> blockers, List<String> warnings) {

    public DeployPlan {
        files = List.copyOf(files);
        steps = List.copyOf(steps);
        blockers = List.copyOf(blockers);
        warnings = List.copyOf(warnings);
    }

    /** True when nothing blocks the deployment ("ok" in JSON). */
    @JsonProperty("ok")
    public boolean ok() {
        return blockers.isEmpty();
    }

    /** A file that would be copied into the version. */
    public record PlannedFile(String name, long bytes, String from) {
    }
}
