package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam stats}. */
@Command(name = "stats", description = "Deployment statistics and per-version request metrics.")
public final class StatsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("stats", 8);
    }
}
