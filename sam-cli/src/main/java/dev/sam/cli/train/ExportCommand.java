package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.ExitCode;
import picocli.CommandLine.Command;

/** {@code sam export}: adapters in other tools' formats; alone it prints its help (a usage error). */
@Command(name = "export", description = {
        "Export for other tools: `sam export peft` writes HuggingFace PEFT LoRA adapters",
        "(transformers, TRL, vLLM); `sam export gguf` writes one GGUF file of the fused",
        "model for llama.cpp and Ollama. Training data is exported with `sam data export`.",
        "", "Examples:", "  sam export peft v1.0.3 --out ~/peft/sam-v1.0.3",
        "  sam export gguf v1.0.3 --out ~/gguf/sam.gguf --type q8_0 --ollama"},
        subcommands = {ExportPeftCommand.class, ExportGgufCommand.class}, commandListHeading = "%nCommands:%n")
public final class ExportCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
