package dev.sam.deploy;

import java.nio.file.Path;

/**
 * What to deploy and how; exactly one of {@code path} and {@code runId}.
 *
 * <pre>DeployRequest r = DeployRequest.ofPath(Path.of("runs/20260125_100000/adapters")).withDescription("run X");</pre>
 *
 * @param version       explicit vX.Y.Z, or null for the next patch
 * @param base          base model name (--base), or null to take it from the adapters, run or config
 * @param force         deploy even when the run is not blessed (sanity and validation still apply)
 * @param canaryTraffic null for a deploy; 1..99 for a canary
 */
public record DeployRequest(Path path, String runId, String description, String version, String base, boolean force,
                            Integer canaryTraffic) {

    public static DeployRequest ofPath(Path path) {
        return new DeployRequest(path, null, null, null, null, false, null);
    }

    public static DeployRequest ofRun(String runId) {
        return new DeployRequest(null, runId, null, null, null, false, null);
    }

    public DeployRequest withDescription(String d) {
        return new DeployRequest(path, runId, d, version, base, force, canaryTraffic);
    }

    public DeployRequest withVersion(String v) {
        return new DeployRequest(path, runId, description, v, base, force, canaryTraffic);
    }

    public DeployRequest withBase(String b) {
        return new DeployRequest(path, runId, description, version, b, force, canaryTraffic);
    }

    public DeployRequest withForce(boolean f) {
        return new DeployRequest(path, runId, description, version, base, f, canaryTraffic);
    }

    public DeployRequest asCanary(int traffic) {
        return new DeployRequest(path, runId, description, version, base, force, traffic);
    }

    public boolean canary() {
        return canaryTraffic != null;
    }
}
