package dev.sam.cli.collect;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam data}. */
@Command(name = "data", description = "Export training data as train/valid splits (alpaca, chat, mlx).")
public final class DataCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("data", 6);
    }
}
