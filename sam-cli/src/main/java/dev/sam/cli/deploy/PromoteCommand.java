package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam promote}. */
@Command(name = "promote", description = "Make the canary the active version.")
public final class PromoteCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("promote", 8);
    }
}
