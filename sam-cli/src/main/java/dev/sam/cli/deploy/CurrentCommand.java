package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam current}. */
@Command(name = "current", description = "Show the active version.")
public final class CurrentCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("current", 8);
    }
}
