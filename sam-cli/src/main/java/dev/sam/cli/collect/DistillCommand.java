package dev.sam.cli.collect;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam distill}. */
@Command(name = "distill", description = "Capture, import and count distilled assistant sessions.")
public final class DistillCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("distill", 6);
    }
}
