package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam data}: the collected training data. */
@Command(name = "data", description = {"Export training data as train/valid splits (alpaca, chat, mlx).",
        "", "Example:  sam data export --format mlx --out ~/sam-data", ""},
        subcommands = {DataExportCommand.class})
public final class DataCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
