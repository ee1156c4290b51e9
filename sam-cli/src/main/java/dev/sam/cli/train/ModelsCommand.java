package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.cli.Table;
import dev.sam.train.model.BaseModelInfo;
import dev.sam.train.model.ModelService;
import dev.sam.train.model.ModelsReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code sam models}: registered base models (and, later, trained adapters). */
@Command(name = "models", description = {
        "List the registered base models.",
        "",
        "Name, shape, dtype and quantization, parameters, size on disk and location.",
        "Add one with `sam model add DIR`, or create one with `sam model init-tiny`.",
        "", "Example: sam models --json"})
public final class ModelsCommand extends SamSubcommand {
    @Override
    public Integer call() {
        var c = ctx();
        ModelsReport r = new ModelService(c.home()).report();
        // Seam (issue 7): trained runs/adapters with their metrics get their own section here and a key in
        // ModelsReport, next to base_models.
        c.out().result(r, out -> print(out, r));
        return 0;
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
