package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam deploy}. */
@Command(name = "deploy", description = "Deploy adapters as a new active version.")
public final class DeployCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("deploy", 8);
    }
}
