package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam list}. */
@Command(name = "list", description = "List deployed versions.")
public final class ListCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("list", 8);
    }
}
