package dev.sam.train.run;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.home.SamHome;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.train.data.PreferencePairs;
import dev.sam.train.data.PreparedData;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.Evaluator;
import dev.sam.train.runs.MetricsLog;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StepMetrics;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run from its record to its verdict: records it (pending → training), trains
 * ({@link TrainingSession}), records the training metrics, evaluates, and completes it — or marks it
 * failed with the error (interrupted: "interrupted", with the checkpoint step). Every step and verdict
 * also goes to the training log.
 */
final class RunExecution {
    private final SamHome home;
    private final dev.sam.core.config.SamConfig config;
    private final RunStore store;
    private final RunPlan plan;
    private final PreparedData data;
    private final RunListener listener;
    private final StopSignal stop;
    private final Path runDir;
    private final Map<String, Object> selection;
    private final Path warmStart;
    private final PreferencePairs pairs;
    private final Path referenceAdapters;
    private TrainingRun run;

    /**
     * {@code selection}: how many records of each kind a {@code SampleSelection} chose (empty: all records),
     * recorded in the run's metrics; {@code warmStart}: adapters to start from (null: fresh ones); {@code pairs}:
     * the preference stage's pairs (empty: no preference stage); {@code referenceAdapters}: its reference
     * (null: the frozen base).
     */
    RunExecution(SamHome home, dev.sam.core.config.SamConfig config, RunStore store, RunPlan plan, PreparedData data,
                 RunListener listener, StopSignal stop, Map<String, Object> selection, Path warmStart,
                 PreferencePairs pairs, Path referenceAdapters) {
        this.pairs = pairs;
        this.referenceAdapters = referenceAdapters;
        this.selection = selection;
        this.warmStart = warmStart;
        this.home = home;
        this.config = config;
        this.store = store;
        this.plan = plan;
        this.data = data;
        this.listener = listener;
        this.stop = stop;
        this.runDir = home.runDir(plan.runId());
    }

    RunResult execute(boolean resume) {
        String id = plan.runId();
        Checkpoints checkpoints = new Checkpoints(runDir.resolve("checkpoints"));
        MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"));
        Long resumedFrom = null;
        List<Double> prior = List.of();
        if (resume) {
            run = store.require(id);
            if (run.status() == RunStatus.TRAINING) {
                run = store.transition(run, RunStatus.FAILED, "crashed: the process ended while training");
            }
            resumedFrom = checkpoints.latest().map(Checkpoints.Checkpoint::step).orElse(0L);
            metrics.truncateAfter(resumedFrom);
            prior = metrics.read().stream().filter(m -> m.isSupervised() && !m.isValidation()).map(StepMetrics::loss)
                    .toList();
        } else {
            int samples = selection.isEmpty() ? (int) Math.min(Integer.MAX_VALUE, data.load().valid())
                    : data.trainRecords().size() + data.validRecords().size();
            run = store.save(TrainingRun.pending(id, plan.createdAt(), samples, plan.settings().baseModel(),
                    plan.profile(), runDir.resolve("adapters").toString()).withMetrics(selection));
            store.writePlan(plan);
        }
        try (TrainingLog log = TrainingLog.open(home.trainingLogs(), id)) {
            log.line(resume ? "run " + id + " resumed from step " + resumedFrom : "run " + id + " started: "
                    + describe());
            data.warnings().forEach(w -> log.line("warning: " + w));
            run = store.transition(run, RunStatus.TRAINING, null);
            try {
                return train(log, checkpoints, metrics, resume, prior, resumedFrom);
            } catch (RuntimeException e) {
                fail(log, e);
                throw e;
            }
        }
    }

    private RunResult train(TrainingLog log, Checkpoints checkpoints, MetricsLog metrics, boolean resume,
                            List<Double> prior, Long resumedFrom) {
        String id = plan.runId();
        long sftTotal = plan.data().totalSteps();
        long total = sftTotal + (pairs.isEmpty() ? 0 : PreferenceStage.totalSteps(plan.settings(), pairs.train().size()));
        StepReporter rep = new StepReporter(listener, log, metrics, total, resumedFrom == null ? 0 : resumedFrom);
        rep.begin("training " + id + (pairs.isEmpty() ? "" : plan.trainsSft() ? " (supervised, then preference)"
                : " (preference)"));
        TrainingSession.Outcome both = new TrainingSession(plan, data, runDir, warmStart,
                home.curriculumScores(plan.settings().baseModel(), plan.data().fingerprint()), pairs, referenceAdapters)
                .run(rep, stop, resume, prior, checkpoints);
        TrainingLoop.Outcome o = both.sft();
        run = store.save(run.withMetrics(RunMetrics.training(o, plan, data, metrics.read(), resumedFrom)));
        if (plan.usesPairs()) { // a method that may train on pairs: what was found, used and skipped
            run = store.save(run.withMetrics(RunMetrics.preference(both.dpo(), plan, pairs)));
        }
        if (both.interrupted()) {
            Long ckpt = o.checkpoint() == null ? null : o.checkpoint().step();
            long at = o.stepsDone() + (both.dpo() == null ? 0 : both.dpo().steps());
            rep.finish("interrupted at step " + at + "/" + total);
            run = store.save(run.withMetrics(Map.of("checkpoint_step", ckpt == null ? 0 : ckpt)));
            run = store.transition(run, RunStatus.FAILED, TrainingRunner.INTERRUPTED);
            log.line("interrupted (" + why() + ") at step " + at + "/" + total + "; checkpoint "
                    + (ckpt == null ? "none" : "at step " + ckpt) + "; resume with `sam train --resume " + id + "`");
            throw TrainingRunner.interrupted(id, why(), at, total, ckpt);
        }
        PreferenceStage.Outcome dpo = both.dpo();
        String pref = dpo == null ? "" : String.format(Locale.ROOT, ", dpo loss %.4f, held-out preference accuracy"
                + " %.3f (was %.3f)", dpo.loss(), dpo.after().accuracy(), dpo.before().accuracy());
        String sft = o.stepsDone() == 0 ? "" : String.format(Locale.ROOT, ", train loss %.4f", o.trainLoss());
        rep.finish(String.format(Locale.ROOT, "%d steps%s, val loss %.4f", total, sft, o.finalVal().loss()) + pref);
        log.line(String.format(Locale.ROOT, "trained: %d steps%s%s, val loss %.4f, %.0f tok/s", total, sft,
                o.stepsDone() == 0 ? "" : " (last " + o.window() + " steps)", o.finalVal().loss(), o.tokensPerS()) + pref);
        listener.stage("evaluating run " + id);
        EvalReport ev = null;
        SamException evalError = null;
        try {
            ev = TrainingRunner.evaluate(home, store, new Evaluator(home, config, store), run, plan, data, stop);
            run = run.withMetrics(Evaluator.metrics(ev));
            log.line((ev.blessed() ? "blessed: " : "not blessed: ") + ev.reason());
        } catch (SamException e) {
            evalError = e;
            run = run.withMetrics(Map.of("eval_error", e.getMessage()));
            log.line("evaluation failed: " + e.getMessage());
        }
        run = store.transition(run, RunStatus.COMPLETED, null);
        log.line("run " + id + " completed");
        if (evalError != null) {
            String msg = "run " + id + " is trained and recorded, but its evaluation "
                    + (evalError.exitCode() == ExitCode.INTERRUPTED ? "was interrupted" : "failed: "
                    + evalError.getMessage());
            throw new SamException(evalError.exitCode() == ExitCode.INTERRUPTED ? ExitCode.INTERRUPTED
                    : ExitCode.FAILURE, msg, "evaluate it with `sam eval " + id + "`");
        }
        return new RunResult(run, plan, ev, data.warnings(), runDir.toString(),
                TrainingLog.fileFor(home.trainingLogs(), id).toString(), runDir.resolve("adapters").toString(),
                resumedFrom);
    }

    private String why() {
        return stop.reason() == null ? "stop requested" : stop.reason();
    }

    private void fail(TrainingLog log, RuntimeException e) {
        if (run.status() == RunStatus.TRAINING) {
            String msg = e instanceof SamException se ? se.getMessage() : e.toString();
            run = store.transition(run, RunStatus.FAILED, msg);
            log.line("failed: " + msg);
        }
    }

    private String describe() {
        var s = plan.settings();
        return String.format(Locale.ROOT, "profile %s, base %s, %d train / %d validation examples, %d steps "
                + "(batch %d x grad accum %d, %d epoch(s)), lr %s, rank %d, alpha %s, layers %s, targets %s, "
                + "max seq %d, weighting %s, curriculum %s, method %s", plan.profile(), s.baseModel(), plan.data().trainExamples(), plan.data().validExamples(),
                plan.data().totalSteps(), s.batchSize(), s.gradAccum(), s.epochs(), s.learningRate(), s.rank(),
                s.alpha(), s.loraLayers() == -1 ? "all" : "last " + s.loraLayers(), s.targets(), s.maxSeqLength(),
                plan.weighting(), plan.curriculum(), plan.method() + (pairs.isEmpty() ? "" : " (" + pairs.train().size()
                + " training preference pairs)"))
                + (selection.isEmpty() ? "" : ", selected " + new java.util.TreeMap<>(selection));
    }
}
