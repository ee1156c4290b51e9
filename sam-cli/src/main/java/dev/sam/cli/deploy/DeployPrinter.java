package dev.sam.cli.deploy;

import dev.sam.core.model.ModelVersion;
import dev.sam.deploy.DeployPlan;
import dev.sam.deploy.DeployResult;
import dev.sam.train.adapters.Check;
import dev.sam.deploy.adapter.ValidationReport;
import java.io.PrintWriter;
import java.util.List;

/** Human output shared by the deployment verbs. */
final class DeployPrinter {
    /** Long mismatch lists are cut on the terminal; --json has them all. */
    private static final int MAX_PROBLEMS = 40;

    private DeployPrinter() {
    }

    static void validation(PrintWriter out, ValidationReport r) {
        out.println("validation:");
        for (Check c : r.checks()) {
            out.println("  " + c.line());
            List<String> p = c.problems();
            for (int i = 0; i < Math.min(p.size(), MAX_PROBLEMS); i++) {
                out.println("      - " + p.get(i));
            }
            if (p.size() > MAX_PROBLEMS) {
                out.println("      ... and " + (p.size() - MAX_PROBLEMS) + " more (--json lists all)");
            }
        }
        r.notes().forEach(n -> out.println("  note: " + n));
    }

    static void plan(PrintWriter out, DeployPlan p) {
        String what = p.mode().equals("canary") ? "start canary " + p.version() + " at " + p.canaryTraffic() + "% of traffic"
                : "deploy " + p.version();
        out.println("dry run: would " + what + " from " + p.source() + " (nothing was changed)");
        if (p.runId() != null) {
            out.println("run:     " + p.runId());
        }
        out.println("active:  " + (p.previous() == null ? "none" : p.previous()));
        out.println();
        validation(out, p.validation());
        out.println();
        out.println("steps:");
        for (int i = 0; i < p.steps().size(); i++) {
            out.println(String.format("  %2d. %s", i + 1, p.steps().get(i)));
        }
        out.println();
        if (p.ok()) {
            out.println("verdict: ready — run the same command without --dry-run to " + p.mode());
        } else {
            out.println("verdict: would be refused:");
            p.blockers().forEach(b -> out.println("  - " + b));
        }
        p.warnings().forEach(w -> out.println("warning: " + w));
    }

    static void deployed(PrintWriter out, DeployResult r) {
        validation(out, r.plan().validation());
        out.println();
        ModelVersion v = r.version();
        if (r.plan().mode().equals("canary")) {
            out.println("canary " + v.version() + " started at " + r.plan().canaryTraffic() + "% of traffic ("
                    + r.previous() + " stays active)");
            out.println("  next: `sam canary --traffic N` to adjust, `sam promote` or `sam canary abort`");
        } else {
            out.println("deployed " + v.version() + (r.previous() == null ? "" : " (was " + r.previous() + ", now retired)"));
        }
        String adapters = java.nio.file.Path.of(r.plan().versionDir()).resolve("adapters").toString();
        out.println("  adapters: " + adapters);
        out.println("  checksum: sha256 " + v.checksum());
        if (!r.plan().mode().equals("canary")) {
            out.println("  active:   " + r.plan().activeLink() + " -> " + adapters);
        }
        r.notes().forEach(n -> out.println("  note: " + n));
    }
}
