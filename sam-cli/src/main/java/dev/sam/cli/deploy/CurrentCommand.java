package dev.sam.cli.deploy;

import dev.sam.deploy.StoreView;
import picocli.CommandLine.Command;

/** {@code sam current}: the active version. */
@Command(name = "current", description = {"Show the active version, where its adapters are, and the canary if any.",
        "Example: sam current --json | jq -r .version"})
public final class CurrentCommand extends DeploySubcommand {
    @Override
    public Integer call() {
        StoreView.Current c = new StoreView(deployContext()).current();
        String fallback = ctx().home().models().warning();
        ctx().out().result(c, out -> {
            if (c.version() == null) {
                out.println("no version deployed yet — `sam deploy PATH|--run RUN_ID`");
            } else {
                out.println(c.version() + "  (deployed " + c.deployedAt() + ")");
                out.println("  description: " + c.description());
                out.println("  base model:  " + (c.baseModel() == null ? "-" : c.baseModel()));
                out.println("  run:         " + (c.trainingRunId() == null ? "-" : c.trainingRunId()));
                out.println("  adapters:    " + c.adapterPath());
                out.println("  symlink:     " + c.activeLink());
                out.println("  checksum:    sha256 " + c.checksum());
            }
            if (c.canary() != null) {
                out.println("  canary:      " + c.canary() + " at " + c.canaryTraffic() + "% of traffic");
            }
            c.warnings().stream().filter(w -> !w.equals(fallback)).forEach(w -> out.println("warning: " + w));
        });
        return 0;
    }
}
