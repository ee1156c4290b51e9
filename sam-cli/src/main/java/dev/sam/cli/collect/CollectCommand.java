package dev.sam.cli.collect;

import dev.sam.cli.NotYet;
import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam collect}. */
@Command(name = "collect", description = "Collect training data from git repositories, code, docs, distillation and routing logs.")
public final class CollectCommand extends SamSubcommand {
    @Override
    public Integer call() {
        throw NotYet.command("collect", 6);
    }
}
