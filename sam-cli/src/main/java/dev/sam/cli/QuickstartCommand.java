package dev.sam.cli;

import dev.sam.quickstart.QuickstartListener;
import dev.sam.quickstart.QuickstartReport;
import dev.sam.quickstart.QuickstartRequest;
import dev.sam.quickstart.QuickstartService;
import dev.sam.quickstart.StepResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam quickstart}: the whole loop on a tiny local model, in a directory of its own. */
@Command(name = "quickstart", description = {
        "Run the whole loop on a tiny local model, in a home of its own (no download).",
        "",
        "Steps: a fresh SAM home (--dir, default ./.sam-demo) with a small",
        "\"quickstart\" training profile -> a tiny base model -> collect the commits",
        "and README of the git repository you are in (or of a sample repository it",
        "makes) -> import bundled assistant sessions and a task-routing log -> train",
        "-> evaluate -> deploy -> new activity -> train again -> canary at 20%% ->",
        "sam serve on a free loopback port with real HTTP requests (chat, streamed",
        "chat, /api/self) -> promote -> roll back -> stats and verify.",
        "",
        "Prints every step with its time, the real evaluation of both runs (a run",
        "that is not blessed is deployed with --force, and the summary says so) and",
        "where everything is. Never touches $SAM_HOME or ~/.sam; refuses a non-empty",
        "directory it did not make. Running it again in the same directory adds new",
        "runs and versions. Under a minute on 2 cores. A failed step is named, with",
        "what to do; the exit code is that of the failure (see below).",
        "",
        "Examples:",
        "  sam quickstart",
        "  sam quickstart --dir /tmp/sam-demo",
        "  sam quickstart --dir /tmp/sam-demo --json | jq '.steps[] | {name, status}'",
        "  sam quickstart --keep-serving      # then: curl -s URL/api/self",
        ""})
public final class QuickstartCommand extends SamSubcommand {
    @Option(names = "--dir", paramLabel = "DIR", description = "The quickstart's SAM home: new, empty, or made by an "
            + "earlier quickstart (default: --sam-home if given, else ./.sam-demo).")
    Path dir;

    @Option(names = "--keep-serving", description = "Keep `sam serve` running after the last step, until Ctrl-C.")
    boolean keepServing;

    @Override
    public Integer call() throws InterruptedException {
        CliContext c = ctx();
        Path home = dir != null ? dir : c.samHomeFlag() != null ? c.samHomeFlag() : Path.of(".sam-demo");
        QuickstartRequest request = new QuickstartRequest(home, Path.of(""), keepServing);
        Output out = c.out();
        out.note("sam quickstart: the whole loop on a tiny local model in " + request.dir());
        try (QuickstartService.Result r = new QuickstartService().run(request, new Listener(out, request, c.verbose()))) {
            QuickstartReport report = r.report();
            out.result(report, w -> QuickstartPrinter.print(w, report));
            if (!report.success()) {
                if (!out.json()) {
                    out.stderr().println("error: quickstart step '" + report.failedStep() + "' failed: " + report.error());
                    out.stderr().println("hint: " + report.hint());
                    out.stderr().flush();
                }
                return report.exitCode();
            }
            if (r.server() != null) {
                out.note("sam serve keeps serving on " + report.serving() + " (" + report.steps().get(0).details()
                        .get("dir") + "); press Ctrl-C to stop.");
                r.server().awaitShutdownSignal();
            }
        }
        return 0;
    }

    /** Steps and progress on stderr; the log goes to the quickstart home once it is known to be the quickstart's. */
    private static final class Listener implements QuickstartListener {
        private final Output out;
        private final QuickstartRequest request;
        private final boolean verbose;
        private final TerminalProgress bar;

        Listener(Output out, QuickstartRequest request, boolean verbose) {
            this.out = out;
            this.request = request;
            this.verbose = verbose;
            this.bar = out.progress();
        }

        @Override
        public void stepStarted(int index, int total, String name) {
            out.note(String.format("[%2d/%d] %s ...", index, total, name));
        }

        @Override
        public void stepFinished(StepResult r) {
            if (r.index() == 1 && r.passed()) {
                LogSetup.toFile(request.dir().resolve("logs"), verbose);
            }
            out.note("        " + (r.passed() ? "ok" : "FAILED") + " (" + QuickstartPrinter.seconds(r.seconds()) + ") "
                    + (r.passed() ? r.summary() : r.error()));
            r.notes().forEach(n -> out.note("        note: " + n));
        }

        @Override
        public void start(String task, long total) {
            bar.start("        " + task, total);
        }

        @Override
        public void update(long done, String detail) {
            bar.update(done, detail);
        }

        @Override
        public void finish(String summary) {
            bar.finish(null);
        }

        @Override
        public void warning(String message) {
            out.note("        note: " + message);
        }
    }
}
