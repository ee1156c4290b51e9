package dev.sam.cli.deploy;

import dev.sam.deploy.DeployRequest;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where deployed adapters come from and how they are recorded (shared by deploy and canary). */
final class SourceOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
            description = "Adapter directory (adapters.safetensors or adapters.npz + adapter_config.json).")
    Path path;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Deploy the adapters of a SAM training run "
            + "(runs/RUN_ID/); the run must be blessed by its evaluation unless --force.")
    String runId;

    @Option(names = "--description", paramLabel = "TEXT", description = "Recorded with the version.")
    String description;

    @Option(names = "--version", paramLabel = "vX.Y.Z",
            description = "Version name (default: next patch of the highest, v1.0.0 first). Never overwrites one.")
    String version;

    @Option(names = "--base", paramLabel = "NAME", description = "Base model under SAM_HOME/models/base to check "
            + "the adapter shapes against (default: adapter_config.json's model, the run's, config training.base_model).")
    String base;

    @Option(names = "--force", description = "Deploy a run that is not blessed (or with no base model to check "
            + "against). Sanity and validation still apply; the waiver is recorded.")
    boolean force;

    @Option(names = "--dry-run", description = "Validate and print every step it would take; change nothing.")
    boolean dryRun;

    boolean given() {
        return path != null || runId != null;
    }

    DeployRequest request() {
        return new DeployRequest(path, runId, description, version, base, force, null);
    }
}
