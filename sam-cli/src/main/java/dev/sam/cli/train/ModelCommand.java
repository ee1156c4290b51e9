package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam model}: the base-model verbs; alone it prints its help (a usage error). */
@Command(name = "model", description = {
        "Manage base models: init-tiny, add, quantize, random, fuse.",
        "",
        "Registered base models live under SAM_HOME/models/base/<name>; `sam models`",
        "lists them."},
        subcommands = {ModelInitTinyCommand.class, ModelAddCommand.class, ModelQuantizeCommand.class,
                ModelRandomCommand.class, ModelFuseCommand.class},
        commandListHeading = "%nCommands:%n")
public final class ModelCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
