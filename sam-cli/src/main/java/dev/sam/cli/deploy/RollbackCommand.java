package dev.sam.cli.deploy;

import dev.sam.deploy.Rollback;
import dev.sam.deploy.RollbackResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam rollback [VERSION]}. */
@Command(name = "rollback", description = {
        "Re-activate the previous version (or the named one) after verifying its",
        "checksums; the version rolled away from becomes rolled_back. \"Previous\" is",
        "the most recently active retired version; rolled-back versions are skipped",
        "unless named.",
        "",
        "Examples:",
        "  sam rollback",
        "  sam rollback v1.0.0 --reason \"answers got worse\"",
        ""})
public final class RollbackCommand extends DeploySubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION", description = "Version to re-activate.")
    String version;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the event log).")
    String reason;

    @Override
    public Integer call() {
        RollbackResult r = new Rollback(deployContext()).to(version, reason);
        ctx().out().result(r, out -> {
            out.println("rolled back from " + r.from() + " to " + r.to() + " (" + r.from() + " is now rolled_back)");
            r.notes().forEach(n -> out.println("  note: " + n));
        });
        return 0;
    }
}
