package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam generate}. */
@Command(name = "generate", description = "Generate text with the base model and optional adapters.")
public final class GenerateCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("generate", 4);
    }
}
