package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam data}: the collected training data. */
@Command(name = "data", description = {"Look at the training data (report) and export it as train/valid splits",
        "(alpaca, chat, mlx).", "", "Examples:", "  sam data report --html", "  sam data export --format mlx --out ~/sam-data",
        ""},
        subcommands = {DataReportCommand.class, DataExportCommand.class})
public final class DataCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
