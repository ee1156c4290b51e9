package dev.sam.cli.train;

import dev.sam.cli.SamSubcommand;
import dev.sam.core.SamException;
import dev.sam.train.eval.BenchmarkSlice;
import dev.sam.train.eval.EvalHistory;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.Evaluator;
import dev.sam.train.run.InterruptSignal;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sam eval RUN|VERSION [--refresh-slice]}, {@code sam eval --history}. */
@Command(name = "eval", description = {
        "Evaluate a run or a deployed version against the base and the active version.",
        "",
        "Sanity (files, config, size, shapes) and generation on fixed prompts, then the",
        "candidate, the active version and the base model side by side on the frozen",
        "benchmark slice (held-out samples frozen at first use in SAM_HOME/eval): held-out",
        "loss and token accuracy per source, exact match and chrF of generated commit",
        "messages, pass rate of generated code under the code suite's tests, and the",
        "judge's verdict when eval.judge is configured. Blessed only if every rule of",
        "the blessing rule passes (docs/user-guide.md); eval.json names the rule that",
        "decided. For a run, eval.json and report.html are (re)written in runs/RUN_ID/.",
        "Runs after every training automatically.",
        "",
        "Examples:",
        "  sam eval 20260125_100000",
        "  sam eval v1.0.3 --json",
        "  sam eval --history            every evaluation on the current slice",
        "  sam eval RUN --refresh-slice  freeze a new slice first (old numbers are then",
        "                                no longer compared)",
        ""})
public final class EvalCommand extends SamSubcommand {
    @Parameters(paramLabel = "RUN|VERSION", arity = "0..1",
            description = "A run id (see `sam models`) or a version such as v1.0.3.")
    String target;

    @Option(names = "--refresh-slice", description = "Freeze a new benchmark slice from the current held-out data.")
    boolean refresh;

    @Option(names = "--history", description = "List every evaluation on the current benchmark slice.")
    boolean history;

    /** What {@code --history --json} returns. */
    record History(String sliceId, String sliceCreatedAt, List<EvalHistory.Entry> entries, int onOtherSlices) {
    }

    @Override
    public Integer call() {
        var c = ctx();
        if (target == null && !history && !refresh) {
            throw SamException.usage("give a run id or a version to evaluate, or --history",
                    "e.g. `sam eval 20260125_100000`; runs are listed by `sam models`");
        }
        if (history && (target != null || refresh)) {
            throw SamException.usage("--history only lists past evaluations", "run it without RUN|VERSION and"
                    + " --refresh-slice");
        }
        if (history) {
            BenchmarkSlice s = BenchmarkSlice.load(c.home());
            List<EvalHistory.Entry> all = EvalHistory.read(c.home());
            List<EvalHistory.Entry> on = s == null ? List.of() : all.stream().filter(e -> s.id().equals(e.sliceId())).toList();
            History h = new History(s == null ? null : s.id(), s == null ? null : s.createdAt(), on, all.size() - on.size());
            c.out().result(h, out -> EvalPrinter.history(out, h.sliceId(), h.sliceCreatedAt(), on, h.onOtherSlices()));
            return 0;
        }
        if (target == null) {
            BenchmarkSlice s = BenchmarkSlice.refresh(c.home(), c.config().eval().sliceSize());
            if (s == null) {
                throw SamException.notReady("no sample is held out by the split rule yet: no slice to freeze",
                        "collect more data (`sam collect`)");
            }
            c.out().result(s, out -> out.println("benchmark slice " + s.id() + " frozen: " + s.samples().size()
                    + " of " + s.heldOutAtFreeze() + " held-out samples"));
            return 0;
        }
        EvalReport r;
        try (InterruptSignal stop = InterruptSignal.install()) {
            r = new Evaluator(c.home(), c.config(), c.db()).refreshSlice(refresh).evaluate(target, stop);
        }
        c.out().result(r, out -> {
            out.println((r.target().equals("run") ? "run " : "version ") + target + " on base " + r.baseModel());
            RunPrinter.eval(out, r);
        });
        return 0;
    }
}
