package dev.sam.cli.train;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam train}. */
@Command(name = "train", description = "Train a LoRA adapter (refuses below the sample threshold).")
public final class TrainCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("train", 7);
    }
}
