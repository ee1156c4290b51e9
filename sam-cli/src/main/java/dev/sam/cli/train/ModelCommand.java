package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam model}. */
@Command(name = "model", description = "Manage base models: add, init-tiny, quantize.")
public final class ModelCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("model", 4);
    }
}
