package dev.sam.train.run;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.AtomicFiles;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.core.store.Database;
import dev.sam.train.data.DataMix;
import dev.sam.train.data.DataPreparer;
import dev.sam.train.data.LoadedData;
import dev.sam.train.data.PreferencePairs;
import dev.sam.train.data.PreparedData;
import dev.sam.train.data.SampleSelection;
import dev.sam.train.datareport.DataReport;
import dev.sam.train.datareport.DataReporter;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.eval.EvalTarget;
import dev.sam.train.eval.Evaluator;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.RunStore;
import dev.sam.train.runs.StopSignal;
import dev.sam.train.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sam train} / {@code sam force} / {@code sam train --resume} (the original training_pipeline.py
 * train/force): lock → plan → load data → threshold → split → tokenize → record the run → train
 * natively → save adapters → evaluate → record. One run at a time (the {@code train} lock names its
 * holder). Anything that fails before the run is recorded is a refusal that leaves no trace; after it,
 * the run is marked failed with the error. Ctrl-C/SIGTERM ends the step, checkpoints, marks the run
 * failed("interrupted") and exits 130; {@code --resume} continues bit-identically from the checkpoint.
 *
 * <pre>RunResult r = new TrainingRunner(home, config, db).run(TrainRequest.profile("8gb"), listener);</pre>
 */
public final class TrainingRunner {
    public static final String INTERRUPTED = "interrupted";

    private final SamHome home;
    private final SamConfig config;
    private final Database db;
    private final RunStore store;
    private final Clock clock;
    private final SampleSelection selection;
    private final ProcessLock heldLock;
    private final Path warmStart;

    public TrainingRunner(SamHome home, SamConfig config, Database db) {
        this(home, config, db, Clock.systemDefaultZone());
    }

    TrainingRunner(SamHome home, SamConfig config, Database db, Clock clock) {
        this(home, config, db, clock, null, null, null);
    }

    private TrainingRunner(SamHome home, SamConfig config, Database db, Clock clock, SampleSelection selection,
                           ProcessLock heldLock, Path warmStart) {
        this.home = home;
        this.config = config;
        this.db = db;
        this.store = new RunStore(home, db);
        this.clock = clock;
        this.selection = selection;
        this.heldLock = heldLock;
        this.warmStart = warmStart;
    }

    /** Trains on the records {@code s} chooses instead of all of them (not with --resume). */
    public TrainingRunner selecting(SampleSelection s) {
        return new TrainingRunner(home, config, db, clock, s, heldLock, warmStart);
    }

    /**
     * Starts from these adapters ({@code adapters.safetensors} of the same rank, layers and targets as the
     * profile) instead of fresh ones: continued training, as sam cycle does from the active version.
     */
    public TrainingRunner startingFrom(Path adaptersFile) {
        return new TrainingRunner(home, config, db, clock, selection, heldLock, adaptersFile);
    }

    /**
     * For a caller that already holds the {@code train} lock for a longer job (sam cycle): the run does
     * not take it again (a second lock on the same file in one process would refuse itself).
     */
    public TrainingRunner holdingLock(ProcessLock trainLock) {
        if (!trainLock.file().equals(home.lockFile("train"))) {
            throw new IllegalArgumentException("not the train lock: " + trainLock.file());
        }
        return new TrainingRunner(home, config, db, clock, selection, trainLock, warmStart);
    }

    /** Runs with Ctrl-C / SIGTERM handled as described above. */
    public RunResult run(TrainRequest r, RunListener listener) {
        try (InterruptSignal stop = InterruptSignal.install()) {
            return run(r, listener, stop);
        }
    }

    /** Runs with a given stop signal (tests, servers). */
    @SuppressWarnings("try") // the lock is held for the whole block, not otherwise used
    public RunResult run(TrainRequest r, RunListener listener, StopSignal stop) {
        boolean resume = r.resumeRunId() != null;
        if (resume && r.hasOverrides()) {
            throw SamException.usage("--resume continues a run with its saved settings; other options cannot be"
                    + " combined with it", "drop the other options, or start a new run without --resume");
        }
        RunPlan plan = resume ? resumePlan(r.resumeRunId()) : new RunPlanner(home, config).plan(r);
        String runId = resume ? r.resumeRunId() : newRunId();
        if (resume && (selection != null || warmStart != null)) {
            throw new IllegalArgumentException("a resumed run continues from its checkpoint on its own data");
        }
        try (ProcessLock lock = heldLock != null ? null : lock(runId)) {
            if (!resume && !store.free(runId)) {
                runId = newRunId();
            }
            listener.stage("loading data from " + home.trainingData());
            DataPreparer preparer = new DataPreparer(home);
            LoadedData loaded = preparer.load();
            Map<String, Object> recorded = new java.util.LinkedHashMap<>();
            if (selection != null) {
                SampleSelection.Selected sel = selection.select(loaded.records());
                loaded = loaded.withRecords(sel.records());
                recorded.putAll(sel.counts());
            }
            if (warmStart != null) {
                recorded.put("warm_start", warmStart.toString());
            }
            if (!resume && !r.force()) {
                threshold(loaded, plan.minSamples());
            }
            // collect.mix (a resumed run keeps the mix it started with, so its data stays the same)
            DataMix.Result mix = new DataMix(resume ? plan.data().mixConfigured() : config.collect().mix())
                    .apply(loaded.records());
            loaded = loaded.withRecords(mix.records());
            PreparedData data;
            PreferencePairs pairs = PreferencePairs.none();
            try (Tokenizer tok = Tokenizer.load(Path.of(plan.baseModelDir()))) {
                data = preparer.prepare(loaded, tok, plan.settings().maxSeqLength(), plan.validFraction());
                if (plan.usesPairs()) {
                    pairs = PreferencePairs.prepare(loaded.pairs(), tok, plan.settings().maxSeqLength(),
                            plan.validFraction());
                }
            }
            checkPairs(plan, loaded, pairs, listener);
            Path reference = pairs.isEmpty() ? null : reference(plan);
            RunPlan planned = plan.withRunId(runId, resume ? plan.createdAt() : Times.now(clock))
                    .withData(shape(plan, data, mix));
            if (resume && !planned.data().fingerprint().equals(plan.data().fingerprint())) {
                throw SamException.failure("the training data changed since run " + runId + " started, so it cannot"
                        + " continue bit-identically", "start a new run with `sam train` (or restore the data)");
            }
            data.warnings().forEach(listener::warning);
            if (stop.requested()) {
                throw new SamException(ExitCode.INTERRUPTED, "stopped (" + stop.reason() + ") before training started;"
                        + " nothing was recorded", resume ? "resume it later with `sam train --resume " + runId + "`"
                        : "start it again when you are ready");
            }
            if (!resume) {
                writeDataSummary(runId, listener);
            }
            return new RunExecution(home, config, store, planned, data, listener, stop, recorded, warmStart, pairs,
                    reference).execute(resume);
        }
    }

    /**
     * The data report of the data this run trains on (cached speed only: training never waits for a probe),
     * shown at the top of the run's report.html. A failure here costs the summary, never the run.
     */
    private void writeDataSummary(String runId, RunListener listener) {
        try {
            DataReport r = new DataReporter(home, config).build(0, false, s -> { });
            AtomicFiles.writeJson(home.runDir(runId).resolve(DataReport.RUN_FILE), r);
        } catch (IOException | RuntimeException e) {
            listener.warning("could not write the data summary of run " + runId + ": " + e.getMessage());
        }
    }

    /**
     * Warns about pairs that are not used and skipped ones; refuses a preference stage that has nothing to
     * train on (asked for with --method, but no usable pair).
     */
    private static void checkPairs(RunPlan plan, LoadedData loaded, PreferencePairs pairs, RunListener listener) {
        int found = loaded.pairs().size();
        if (!plan.usesPairs()) {
            if (found > 0) {
                listener.warning(found + " DPO preference pair(s) are not used: this run trains with --method "
                        + plan.method());
            }
            return;
        }
        pairs.warnings().forEach(listener::warning);
        if (pairs.isEmpty() && !plan.method().equals(RunPlan.AUTO)) {
            throw SamException.usage("--method " + plan.method() + " needs preference pairs, but " + (found == 0
                    ? "training_data/dpo/ holds none" : "none of the " + found + " is usable (see the warning above)"),
                    "record corrections or preferences (`sam distill`, POST /api/feedback with an edit), or train"
                    + " with --method sft");
        }
    }

    /** The DPO reference's adapters: null for the frozen base, the active version's for {@code dpo.reference: active}. */
    private Path reference(RunPlan plan) {
        if (!plan.settings().dpo().reference().equals("active")) {
            return null;
        }
        dev.sam.core.store.VersionCatalog catalog = dev.sam.core.store.VersionCatalog.read(home);
        return catalog.active().map(catalog::adapters).orElseThrow(() -> SamException.notReady(
                "training.profiles." + plan.profile() + ".dpo.reference is 'active', but no version is active",
                "deploy a version first, or set dpo.reference to base"));
    }

    private ProcessLock lock(String runId) {
        Path file = home.lockFile("train");
        Optional<ProcessLock> l = ProcessLock.tryAcquire(file, "training run " + runId);
        if (l.isPresent()) {
            return l.get();
        }
        String holder = ProcessLock.holderOf(file);
        for (int i = 0; i < 10 && holder.equals("another process"); i++) {
            sleep(); // the holder writes its line right after taking the lock
            holder = ProcessLock.holderOf(file);
        }
        throw SamException.notReady("another training is in progress (" + holder + "); one run at a time",
                "wait for it to finish (`sam status` shows it), or stop it with Ctrl-C / kill <pid>");
    }

    private static void threshold(LoadedData loaded, int min) {
        int n = loaded.records().size();
        if (n < min) {
            throw SamException.notReady(n + " samples, " + (min - n) + " more needed for training (minimum " + min
                    + ")", "run `sam collect` to gather more training data, or `sam force` to train anyway");
        }
    }

    private RunPlan resumePlan(String runId) {
        TrainingRun run = store.require(runId);
        if (run.status() == RunStatus.COMPLETED) {
            throw SamException.failure("run " + runId + " already completed; there is nothing to resume",
                    "start a new run with `sam train`");
        }
        RunPlan p = store.readPlan(runId);
        if (p.data() == null) {
            throw SamException.failure("run " + runId + " stopped before its data was planned", "start a new run");
        }
        new RunPlanner(home, config).checkBase(p.profile(), p.settings());
        return p;
    }

    static RunPlan.DataShape shape(RunPlan p, PreparedData d, DataMix.Result mix) {
        int batch = p.settings().batchSize();
        int perEpoch = (d.train().examples().size() + batch - 1) / batch;
        int ga = p.settings().gradAccum();
        long byEpochs = ((long) perEpoch * p.settings().epochs() + ga - 1) / ga;
        int total = !p.trainsSft() ? 0 : p.settings().maxSteps() > 0 ? p.settings().maxSteps()
                : (int) Math.min(Integer.MAX_VALUE, Math.max(1, byEpochs));
        int longest = d.train().examples().stream().mapToInt(e -> e.length()).max().orElse(1);
        return new RunPlan.DataShape(d.train().examples().size(), d.valid().examples().size(), perEpoch, total,
                longest, d.fingerprint(), mix.configured(), mix.slices());
    }

    private String newRunId() {
        String base = Times.runId(clock);
        String id = base;
        for (int i = 1; !store.free(id); i++) {
            id = base + "_" + i;
        }
        return id;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Exit 130 with what to do next. */
    static SamException interrupted(String runId, String why, long step, long total, Long checkpoint) {
        return new SamException(ExitCode.INTERRUPTED, "training run " + runId + " interrupted (" + why + ") at step "
                + step + "/" + total + (checkpoint == null ? "; no checkpoint yet, it will start over"
                : "; checkpoint saved at step " + checkpoint), "resume it with `sam train --resume " + runId + "`");
    }

    /** Builds an evaluation target for a run that has just been trained. */
    static EvalReport evaluate(SamHome home, RunStore store, Evaluator ev, TrainingRun run, RunPlan plan,
                               PreparedData data, StopSignal stop) {
        EvalTarget t = new EvalTarget("run", run.runId(), home.runDir(run.runId()).resolve("adapters"),
                plan.settings().baseModel(), run, plan, plan.settings().maxSeqLength());
        return ev.evaluateRun(t, data, stop);
    }

}
