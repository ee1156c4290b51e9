package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.Table;
import dev.sam.train.model.BaseModelInfo;
import dev.sam.train.model.ModelService;
import dev.sam.train.model.ModelsReport;
import dev.sam.train.runs.RunInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code sam models}: registered base models and trained runs with their adapters and metrics. */
@Command(name = "models", description = {
        "List the registered base models and the trained runs (adapters).",
        "",
        "Base models: name, shape, dtype and quantization, parameters, size on disk and",
        "location. Add one with `sam model add DIR`, or create one with `sam model",
        "init-tiny`. Runs: status, base, steps, train/val loss, perplexity, blessed,",
        "and the versions they were deployed as.",
        "", "Example: sam models --json"})
public final class ModelsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        var c = ctx();
        ModelsReport r = new ModelService(c.home()).report(c.db());
        c.out().result(r, out -> {
            print(out, r);
            out.println();
            runs(out, r.runs());
        });
        return 0;
    }

    static void runs(PrintWriter out, List<RunInfo> runs) {
        out.println("Trained runs (adapters):");
        if (runs.isEmpty()) {
            out.println("  none yet: `sam train` (or `sam force` below the sample threshold) makes one");
            return;
        }
        Table t = new Table("  run", "status", "base", "steps", "train loss", "val loss", "ppl", "blessed", "deployed");
        for (RunInfo r : runs) {
            t.row("  " + r.runId(), r.status(), r.baseModel(), r.steps(), RunPrinter.fmt(r.trainLoss(), "%.4f"),
                    RunPrinter.fmt(r.valLoss(), "%.4f"), RunPrinter.fmt(r.perplexity(), "%.3f"),
                    r.blessed() == null ? "-" : r.blessed() ? "yes" : "no",
                    r.deployedAs().isEmpty() ? "-" : String.join(",", r.deployedAs()));
        }
        t.print(out);
        for (RunInfo r : runs) {
            if (r.error() != null) {
                out.println("  " + r.runId() + ": " + r.error() + ("interrupted".equals(r.error())
                        ? " (`sam train --resume " + r.runId() + "` continues it)" : ""));
            }
        }
    }

    static void print(PrintWriter out, ModelsReport r) {
        out.println("Base models (" + r.baseDir() + "):");
        if (r.baseModels().isEmpty()) {
            out.println("  none yet: `sam model init-tiny` creates a tiny one, `sam model add DIR` registers yours");
            return;
        }
        Table t = new Table("  name", "shape", "dtype", "quantization", "params", "size", "location");
        for (BaseModelInfo m : r.baseModels()) {
            t.row("  " + m.name(), m.shape(), m.dtype(), m.quantization(), ModelPrint.params(m.params()),
                    ModelPrint.bytes(m.sizeBytes()), m.linkTarget() != null ? "-> " + m.linkTarget() : m.path());
        }
        t.print(out);
        for (BaseModelInfo m : r.baseModels()) {
            m.problems().forEach(p -> out.println("warning: " + m.name() + ": " + p.replace("\n", "\n    ")));
        }
    }
}
