package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.Evaluator;
import dev.sam.train.run.InterruptSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sam eval RUN|VERSION}. */
@Command(name = "eval", description = {
        "Evaluate a run or a deployed version against the base and the active version.",
        "",
        "Sanity (files, config, size, shapes), generation on fixed prompts (repetition",
        "rate < 5%%), held-out loss and perplexity, and the held-out loss of the base",
        "model and of the active version on the same examples. Blessed only if it beats",
        "both. For a run, eval.json and report.html are (re)written in runs/RUN_ID/;",
        "a version is evaluated read-only. Runs after every training automatically.",
        "",
        "Examples:",
        "  sam eval 20260125_100000",
        "  sam eval v1.0.3 --json",
        ""})
public final class EvalCommand extends SamSubcommand {
    @Parameters(paramLabel = "RUN|VERSION", description = "A run id (see `sam models`) or a version such as v1.0.3.")
    String target;

    @Override
    public Integer call() {
        var c = ctx();
        EvalReport r;
        try (InterruptSignal stop = InterruptSignal.install()) {
            r = new Evaluator(c.home(), c.config(), c.db()).evaluate(target, stop);
        }
        c.out().result(r, out -> {
            out.println((r.target().equals("run") ? "run " : "version ") + target + " on base " + r.baseModel());
            RunPrinter.eval(out, r);
        });
        return 0;
    }
}
