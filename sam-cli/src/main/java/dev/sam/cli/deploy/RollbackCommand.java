package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam rollback}. */
@Command(name = "rollback", description = "Re-activate the previous (or a named) version.")
public final class RollbackCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("rollback", 8);
    }
}
