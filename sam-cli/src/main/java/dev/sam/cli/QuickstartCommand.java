package dev.sam.cli;

import picocli.CommandLine.Command;

/** {@code sam quickstart}. */
@Command(name = "quickstart", description = "Run the whole loop on a tiny local model.")
public final class QuickstartCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("quickstart", 10);
    }
}
