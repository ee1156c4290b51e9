package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam canary}. */
@Command(name = "canary", description = "Serve a candidate to a share of requests.")
public final class CanaryCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("canary", 8);
    }
}
