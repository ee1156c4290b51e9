package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam force}. */
@Command(name = "force", description = "Train a LoRA adapter even below the sample threshold.")
public final class ForceCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("force", 7);
    }
}
