package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam export}: adapters in other tools' formats; alone it prints its help (a usage error). */
@Command(name = "export", description = {
        "Export adapters for other tools: `sam export peft` writes HuggingFace PEFT LoRA",
        "adapters (transformers, TRL, vLLM, llama.cpp's converter). Training data is",
        "exported with `sam data export`.",
        "", "Example: sam export peft v1.0.3 --out ~/peft/sam-v1.0.3"},
        subcommands = {ExportPeftCommand.class}, commandListHeading = "%nCommands:%n")
public final class ExportCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
