package dev.sam.cli.deploy;

import dev.sam.deploy.StoreView;
import picocli.CommandLine.Command;

/** {@code sam versions [list|current|stats]}: the same as {@code sam list}, {@code current}, {@code stats}. */
@Command(name = "versions", subcommands = {ListCommand.class, CurrentCommand.class, StatsCommand.class},
        description = {"Versions: `sam versions list|current|stats` are aliases of `sam list`,",
                "`sam current` and `sam stats`; `sam versions` alone lists them."})
public final class VersionsCommand extends DeploySubcommand {
    @Override
    public Integer call() {
        StoreView.Listing l = new StoreView(deployContext()).list();
        String fallback = ctx().home().models().warning();
        ctx().out().result(l, out -> ListCommand.print(out, l, fallback));
        return 0;
    }
}
