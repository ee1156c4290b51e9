package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam import}: adapters from other tools; alone it prints its help (a usage error). */
@Command(name = "import", description = {
        "Import adapters trained elsewhere: `sam import peft` converts HuggingFace PEFT LoRA",
        "adapters (TRL, accelerate, torchrun on a cluster) into an mlx-lm adapter directory",
        "that `sam deploy PATH` takes.",
        "", "Example: sam import peft ~/out/adapter --base qwen-coder-1.5b"},
        subcommands = {ImportPeftCommand.class}, commandListHeading = "%nCommands:%n")
public final class ImportCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
