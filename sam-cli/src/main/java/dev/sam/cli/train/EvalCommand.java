package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam eval}. */
@Command(name = "eval", description = "Evaluate a run or a version against the base and the active version.")
public final class EvalCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("eval", 7);
    }
}
