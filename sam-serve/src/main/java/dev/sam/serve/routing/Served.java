package dev.sam.serve.routing;

import java.nio.file.Path;

/**
 * A model that answers requests: an adapter version (active or canary) on its base model, or the base
 * model alone when nothing is deployed.
 *
 * @param version     v1.0.3, or {@value #BASE} for the base model without adapters
 * @param role        active, canary or base
 * @param adapters    the version's adapters directory; null for the base model
 * @param baseModel   the base model name as recorded (may be null when unknown)
 * @param baseDir     its directory, null when it cannot be found ({@code problem} says why)
 */
public record Served(String version, String role, Path adapters, String baseModel, Path baseDir, String problem) {
    public static final String BASE = "base";
    public static final String ACTIVE = "active";
    public static final String CANARY = "canary";

    public boolean isBase() {
        return adapters == null;
    }
}
