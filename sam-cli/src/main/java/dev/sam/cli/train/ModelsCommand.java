package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam models}. */
@Command(name = "models", description = "List base models and trained adapters with their metrics.")
public final class ModelsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("models", 7);
    }
}
