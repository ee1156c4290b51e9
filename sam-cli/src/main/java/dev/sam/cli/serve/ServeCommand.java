package dev.sam.cli.serve;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam serve}. */
@Command(name = "serve", description = "Serve the local API on 127.0.0.1:8765.")
public final class ServeCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("serve", 9);
    }
}
