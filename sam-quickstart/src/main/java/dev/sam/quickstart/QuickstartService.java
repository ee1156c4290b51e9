package dev.sam.quickstart;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.serve.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sam quickstart}: the whole loop on a tiny local model, as a sequence of {@link Step}s that call
 * SAM's services — the same ones the CLI verbs call — in a home of its own: make the base model, collect
 * a git repository and the bundled sessions and routing log, train, evaluate, deploy, train again, canary
 * at 20%, serve and send real HTTP requests, promote, roll back, check the store. Each step is timed;
 * the first failure stops the run, names the step and says what to do. Nothing is faked: the report
 * carries the real evaluation of each run and says when a run that is not blessed was deployed with
 * {@code --force}.
 *
 * <pre>try (QuickstartService.Result r = new QuickstartService().run(request, listener)) { print(r.report()); }</pre>
 */
public final class QuickstartService {
    private static final Logger LOG = LoggerFactory.getLogger(QuickstartService.class);

    /** The report, and the server when it keeps serving; closing stops the server and closes the database. */
    public static final class Result implements AutoCloseable {
        private final QuickstartReport report;
        private final QuickstartContext ctx;

        Result(QuickstartReport report, QuickstartContext ctx) {
            this.report = report;
            this.ctx = ctx;
        }

        public QuickstartReport report() {
            return report;
        }

        /** The running server (with --keep-serving after a successful run), else null. */
        public RunningServer server() {
            return ctx.server;
        }

        @Override
        public void close() {
            ctx.close();
        }
    }

    /** The steps in order. */
    static List<Step> steps() {
        return List.of(new PrepareHomeStep(), new BaseModelStep(), new CollectRepositoryStep(), new ImportSessionsStep(),
                new RoutingLogStep(1), new TrainStep(1), new EvaluateStep(), new DeployStep(false),
                new RoutingLogStep(2), new TrainStep(2), new DeployStep(true), new ServeStep(), new SwitchStep(true),
                new SwitchStep(false), new FinishStep());
    }

    public Result run(QuickstartRequest request, QuickstartListener listener) {
        List<Step> steps = steps();
        QuickstartContext ctx = new QuickstartContext(request, listener);
        List<StepResult> results = new ArrayList<>();
        StepResult failed = null;
        SamException cause = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (failed != null) {
                results.add(StepResult.skipped(i + 1, s.name()));
                continue;
            }
            listener.stepStarted(i + 1, steps.size(), s.name());
            long ts = System.nanoTime();
            StepResult r;
            try {
                Step.Outcome o = s.run(ctx);
                r = new StepResult(i + 1, s.name(), "passed", secs(ts), o.summary(), o.details(), o.notes(), null, null);
            } catch (Exception e) {
                cause = asSamException(e, s, request.dir());
                r = new StepResult(i + 1, s.name(), "failed", secs(ts), "FAILED: " + cause.getMessage(),
                        java.util.Map.of(), List.of(), cause.getMessage(), cause.hint());
                failed = r;
            }
            results.add(r);
            listener.stepFinished(r);
        }
        boolean ok = failed == null;
        ctx.stopServer(ok && request.keepServing());
        QuickstartReport report = new QuickstartReport(ok, request.dir().toString(), secs(t0), results, ctx.first,
                ctx.second, List.copyOf(ctx.answers), ctx.artefacts, ctx.server == null ? null : ctx.api.url(),
                ok ? null : failed.name(), ok ? null : failed.error(), ok ? null : failed.remedy(),
                ok ? 0 : cause.exitCode().code(), next(ctx));
        return new Result(report, ctx);
    }

    /**
     * A user-facing exception naming the step, with the remedy for this directory; a bug keeps its stack trace
     * in the log. An interrupted step (Ctrl-C, SIGTERM) is best remedied by running the quickstart again: it
     * reuses what is done.
     */
    static SamException asSamException(Exception e, Step s, java.nio.file.Path dir) {
        String remedy = s.remedy().replace("--sam-home DIR", "--sam-home " + dir);
        if (e instanceof SamException se) {
            LOG.info("quickstart step '{}' failed: {}", s.name(), se.getMessage(), se);
            // a service's hint names `sam VERB`, which would look in $SAM_HOME: point it at this directory
            String serviceHint = se.hint() == null ? null : se.hint().replace("--sam-home DIR", "--sam-home " + dir)
                    .replaceAll("`sam (?!--sam-home|quickstart)", java.util.regex.Matcher.quoteReplacement(
                            "`sam --sam-home " + dir + " "));
            String hint = serviceHint != null ? serviceHint : remedy;
            if (se.exitCode() == ExitCode.INTERRUPTED) {
                hint = "run `sam quickstart --dir " + dir + "` again: it goes on in the same directory"
                        + (serviceHint == null ? "" : " (or: " + serviceHint + ")");
            }
            return new SamException(se.exitCode(), se.getMessage(), hint, se);
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            LOG.warn("quickstart step '{}' failed", s.name(), e);
            return new SamException(ExitCode.FAILURE, "I/O error: " + e.getMessage(), remedy, e);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new SamException(ExitCode.INTERRUPTED, "interrupted", "run `sam quickstart --dir " + dir + "` again: it "
                    + "goes on in the same directory", e);
        }
        LOG.error("internal error in quickstart step '{}'", s.name(), e);
        // the quickstart's log starts once step 1 has made the directory the quickstart's own
        return new SamException(ExitCode.INTERNAL, "internal error: " + e, "this is a bug in SAM; please report it"
                + (s instanceof PrepareHomeStep ? " (run with -v to see the stack trace)"
                : " with the stack trace in " + dir.resolve("logs").resolve("sam.log")), e);
    }

    private static List<String> next(QuickstartContext ctx) {
        String home = "--sam-home " + ctx.request.dir();
        List<String> out = new ArrayList<>();
        out.add("look around:       ./sam " + home + " status   (and: models, list, stats)");
        if (ctx.second != null) {
            out.add("read a report:     " + ctx.second.report());
        }
        out.add("ask it:            ./sam " + home + " generate --version active --prompt \"write unit tests for the "
                + "login form\"");
        out.add("your own work:     ./sam collect --repo ~/code/app && ./sam distill import sessions.jsonl");
        out.add("a real model:      ./sam model add ~/models/Qwen2.5-Coder-1.5B-Instruct-4bit && ./sam train");
        out.add("guide:             docs/user-guide.md (Getting started)");
        return out;
    }

    private static double secs(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }
}
