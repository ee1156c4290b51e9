package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sam data}: the collected training data. */
@Command(name = "data", description = {"Export training data as train/valid splits (alpaca, chat, mlx).",
        "", "Example:  sam data export --format mlx --out ~/sam-data", ""},
        subcommands = {DataExportCommand.class})
public final class DataCommand extends SamSubcommand {
    @Mixin
    HelpOption helpOption;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
