package dev.sam.cli.deploy;

import dev.sam.cli.Table;
import dev.sam.core.model.ModelVersion;
import dev.sam.deploy.StoreView;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code sam list}: every stored version, newest first. */
@Command(name = "list", description = {"List the deployed versions, newest first, with status and checksum.",
        "Example: sam list --json | jq -r '.versions[] | select(.status==\"retired\") | .version'"})
public final class ListCommand extends DeploySubcommand {
    @Override
    public Integer call() {
        StoreView.Listing l = new StoreView(deployContext()).list();
        String fallback = ctx().home().models().warning();
        ctx().out().result(l, out -> print(out, l, fallback));
        return 0;
    }

    static void print(PrintWriter out, StoreView.Listing l, String alreadyWarned) {
        if (l.versions().isEmpty()) {
            out.println("no versions yet in " + l.versionsDir() + " — deploy one with `sam deploy PATH|--run RUN_ID`");
        } else {
            Table t = new Table("version", "status", "created", "deployed", "run", "samples", "checksum", "description");
            for (ModelVersion v : l.versions()) {
                String status = v.status().json() + (v.version().equals(l.canary()) ? " " + l.canaryTraffic() + "%" : "");
                t.row(v.version(), status, v.createdAt(), v.deployedAt(), v.trainingRunId(),
                        v.trainingSamples() == 0 ? null : v.trainingSamples(),
                        v.checksum() == null ? null : v.checksum().substring(0, Math.min(12, v.checksum().length())),
                        v.description());
            }
            t.print(out);
            out.println();
            out.println(l.versions().size() + " versions in " + l.versionsDir()
                    + (l.externalVolume() ? " (external volume)" : " (local)"));
        }
        l.warnings().stream().filter(w -> !w.equals(alreadyWarned)).forEach(w -> out.println("warning: " + w));
    }
}
