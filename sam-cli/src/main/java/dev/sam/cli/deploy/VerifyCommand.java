package dev.sam.cli.deploy;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam verify}. */
@Command(name = "verify", description = "Check checksums and the consistency of the version store.")
public final class VerifyCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("verify", 8);
    }
}
