package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.Table;
import dev.sam.core.status.PipelineStatus;
import dev.sam.core.status.StatusService;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code sam status}: training data, readiness, last run, active version, canary. */
@Command(name = "status", description = {"Show samples per source, readiness to train, last run, active version.",
        "Also shows the canary, the last `sam cycle` and the samples new since its",
        "last blessed run. Exits 0 whenever the status could be read: scripts check ready_to_train."})
public final class StatusCommand extends SamSubcommand {

    @Override
    public Integer call() {
        var c = ctx();
        PipelineStatus s = new StatusService(c.home(), c.config(), c.db()).status();
        c.out().result(s, out -> print(out, s));
        return 0;
    }

    static void print(PrintWriter out, PipelineStatus s) {
        out.println("SAM status  (home " + s.samHome() + ")");
        out.println();
        var d = s.trainingData();
        Table t = new Table("training data", "samples");
        d.bySource().forEach((k, v) -> t.row("  " + k, v));
        t.row("  total", d.totalSamples());
        t.print(out);
        out.println("ready to train:  " + (d.readyToTrain() ? "yes" : "no") + " (minimum " + d.minForTraining()
                + (d.enoughSamples() ? ")" : ", " + (d.minForTraining() - d.totalSamples()) + " more needed; "
                + "`sam collect` adds data, `sam force` trains anyway)"));
        out.println("base model:      " + (d.baseModel() == null ? "none configured" : d.baseModel())
                + (d.baseModelFound() ? "" : " — not registered: `sam model add DIR --name " + d.baseModel()
                + "` registers it (`sam model init-tiny` makes a test model)"));
        out.println("distilled:       " + d.distilledSamples() + " samples, " + d.preferencePairs()
                + " preference pairs");
        out.println("last collect:    " + (d.lastCollect() == null ? "never" : d.lastCollect()));
        out.println();
        var r = s.lastTraining();
        if (r == null) {
            out.println("last run:        none");
        } else {
            out.println("last run:        " + r.runId() + "  " + r.status() + "  " + r.samplesCount() + " samples"
                    + (r.error() != null ? "  error: " + r.error() : ""));
            Map<String, Object> m = r.metrics();
            if (m.containsKey("steps")) {
                out.println("                 " + m.get("steps") + " steps" + metric(m, "train_loss")
                        + metric(m, "val_loss") + metric(m, "perplexity") + (m.get("blessed") instanceof Boolean b
                        ? (b ? "  blessed" : "  not blessed") : ""));
            }
        }
        out.println("active version:  " + (s.modelVersion() == null ? "none"
                : s.modelVersion() + " (deployed " + s.deployedAt() + ")"));
        var dep = s.deployment();
        out.println("canary:          " + (dep.canaryActive() ? dep.canaryVersion() + " at "
                + (dep.canaryTraffic() == null ? "?" : dep.canaryTraffic()) + "% of traffic" : "none"));
        out.println("versions:        " + dep.totalVersions()
                + (dep.rollbackAvailable() ? " (rollback available)" : ""));
        var cy = s.cycle();
        out.println("new samples:     " + cy.newSamples() + (cy.newPreferencePairs() > 0 ? " (+ " + cy.newPreferencePairs()
                + " preference pairs)" : "") + (cy.blessedRun() == null ? " (no blessed run of `sam cycle` yet)"
                : " since run " + cy.blessedRun() + ", the last blessed one of `sam cycle`"));
        out.println("last cycle:      " + (cy.lastAt() == null ? "none (`sam cycle` runs one; `sam schedule install`"
                + " runs it nightly)" : cy.lastAt() + "  " + cy.lastOutcome() + ": " + cy.lastMessage()));
        if (cy.nextStep() != null) {
            out.println("next step:       " + cy.nextStep());
        }
        s.warnings().forEach(w -> out.println("warning: " + w));
    }

    private static String metric(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? String.format("  %s %.4f", key, n.doubleValue()) : "";
    }
}
