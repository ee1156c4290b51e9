package dev.sam.cli.ab;

import dev.sam.cli.SamSubcommand;
import picocli.CommandLine.Command;

/** {@code sam ab}: the A/B comparison of the active version and the canary. */
@Command(name = "ab", subcommands = AbStatusCommand.class, description = {
        "A/B testing in production: users' feedback on answers (POST /api/feedback)",
        "compared between the active version and the canary. See `sam ab status`",
        "and `sam canary --steps` (docs/user-guide.md, \"A/B testing\")."})
public final class AbCommand extends SamSubcommand {
    @Override
    public Integer call() {
        ctx().out().line("usage: sam ab status [--json]   (see `sam ab --help`)");
        return 0;
    }
}
