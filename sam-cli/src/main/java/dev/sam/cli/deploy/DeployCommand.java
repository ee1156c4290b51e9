package dev.sam.cli.deploy;

import dev.sam.deploy.DeployPlan;
import dev.sam.deploy.DeployPlanner;
import dev.sam.deploy.DeployResult;
import dev.sam.deploy.Deployer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sam deploy}: validate adapters and make them the active version. */
@Command(name = "deploy", description = {
        "Validate adapters and make them the active version: sanity -> validation ->",
        "copy (temp dir, fsync, rename) -> SHA-256 -> activate (current.txt, symlink)",
        "-> record. A SAM run must be blessed by its evaluation (eval.json) unless",
        "--force; external adapter directories are gated by sanity and validation only.",
        "A kill at any step leaves the old or the new version active",
        "(`sam verify --repair` tidies the rest).",
        "",
        "Examples:",
        "  sam deploy --run 20260125_100000",
        "  sam deploy ~/.sam/runs/20260125_100000/adapters --description \"Training run X\"",
        "  sam deploy /path/to/adapters --dry-run",
        ""})
public final class DeployCommand extends DeploySubcommand {
    @Mixin
    SourceOptions source;

    @Override
    public Integer call() {
        var out = ctx().out();
        if (source.dryRun) {
            DeployPlan plan = new DeployPlanner(deployContext()).plan(source.request());
            out.result(plan, w -> DeployPrinter.plan(w, plan));
            return plan.ok() ? 0 : 1;
        }
        DeployResult r = new Deployer(deployContext()).deploy(source.request(), out.progress());
        out.result(r, w -> DeployPrinter.deployed(w, r));
        return 0;
    }
}
