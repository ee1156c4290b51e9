package dev.sam.cli.deploy;

import dev.sam.deploy.StoreVerifier;
import dev.sam.deploy.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam verify [--repair]}. */
@Command(name = "verify", description = {
        "Check every stored version's SHA-256 checksums and that versions.json,",
        "current.txt, the active symlink and sam.db agree. Exits 1 when something is",
        "wrong (0 after a successful --repair). --repair restores agreement from",
        "versions.json (the commit point of every change), else from sam.db, else from",
        "the version directories; removes leftovers of interrupted deploys; never",
        "deletes a recorded version or a directory SAM did not make; moves a corrupt",
        "versions.json aside.",
        "",
        "Examples:",
        "  sam verify",
        "  sam verify --repair --json",
        ""})
public final class VerifyCommand extends DeploySubcommand {
    @Option(names = "--repair", description = "Fix what can be fixed and say what was done.")
    boolean repair;

    @Override
    public Integer call() {
        VerifyReport r = new StoreVerifier(deployContext()).verify(repair);
        ctx().out().result(r, out -> {
            out.println("checked " + r.versions() + " versions (" + r.versionsVerified() + " intact); active: "
                    + (r.active() == null ? "none" : r.active()));
            for (VerifyReport.Finding f : r.findings()) {
                out.println(f.severity() + ": " + f.message());
                if (f.action() != null) {
                    out.println("  repaired: " + f.action());
                }
            }
            if (r.consistent()) {
                out.println(r.findings().isEmpty() ? "the version store is consistent"
                        : "the version store is consistent" + (r.repair() ? " after repair" : ""));
            } else {
                out.println("the version store is NOT consistent"
                        + (r.repair() ? "; the problems above need a human (e.g. `sam rollback` away from a damaged version)"
                        : "; run `sam verify --repair`"));
            }
        });
        return r.consistent() ? 0 : 1;
    }
}
