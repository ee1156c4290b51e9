package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam versions}. */
@Command(name = "versions", description = "Versions: list, current, stats.")
public final class VersionsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("versions", 8);
    }
}
