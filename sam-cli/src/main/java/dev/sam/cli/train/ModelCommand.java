package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam model}: the base-model verbs; alone it prints its help (a usage error). */
@Command(name = "model", description = {"Manage base models: create the tiny test model, write a random model at a",
        "real shape, quantize to MLX 4/8-bit, register an existing HuggingFace or MLX model directory.",
        "Registered models live under SAM_HOME/models/base/<name>; list them with `sam models`."},
        subcommands = {ModelInitTinyCommand.class, ModelAddCommand.class, ModelQuantizeCommand.class,
                ModelRandomCommand.class},
        commandListHeading = "%nCommands:%n")
public final class ModelCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
