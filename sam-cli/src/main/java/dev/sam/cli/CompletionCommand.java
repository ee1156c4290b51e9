package dev.sam.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code sam completion}: prints the bash/zsh completion script of the whole command tree. */
@Command(name = "completion", description = {"Print a bash/zsh completion script for sam.", "",
        "Example:", "  sam completion > ~/.sam_completion && . ~/.sam_completion", ""})
public final class CompletionCommand extends SamSubcommand {
    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("sam", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
