package dev.sam.cli.deploy;

import dev.sam.deploy.Promoter;
import picocli.CommandLine.Command;

/** {@code sam promote}. */
@Command(name = "promote", description = {"Make the running canary the active version (after verifying",
        "its checksums); the version it replaces is retired and can be rolled back to.",
        "Example: sam canary --run 20260125_100000 --traffic 10 && sam stats && sam promote"})
public final class PromoteCommand extends DeploySubcommand {
    @Override
    public Integer call() {
        Promoter.Result r = new Promoter(deployContext()).promote();
        ctx().out().result(r, out -> {
            out.println("promoted " + r.promoted() + " (was at " + r.canaryTraffic() + "% of traffic)"
                    + (r.previous() == null ? "" : "; " + r.previous() + " is retired"));
            r.notes().forEach(n -> out.println("  note: " + n));
        });
        return 0;
    }
}
