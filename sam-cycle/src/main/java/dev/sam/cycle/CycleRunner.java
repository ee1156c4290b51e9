package dev.sam.cycle;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.CollectService;
import dev.sam.core.SamException;
import dev.sam.core.Times;
import dev.sam.core.config.SamConfig;
import dev.sam.core.cycle.CycleState;
import dev.sam.core.cycle.CycleStateFile;
import dev.sam.core.cycle.DataMark;
import dev.sam.core.home.SamHome;
import dev.sam.core.io.Faults;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.store.Database;
import dev.sam.core.store.ManifestFile;
import dev.sam.deploy.DeployContext;
import dev.sam.train.run.RunListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code sam cycle}: one unattended turn of the loop, safe to run from cron every night or every hour.
 * Under the {@code train} lock (a second cycle, or a {@code sam train}, is refused naming the holder):
 * continue what a killed cycle left (repair, deploy a pending blessed run) → judge the canary (promote,
 * abort, keep) → collect from the configured sources → decide whether enough is new since the last
 * blessed run → train on the new samples plus replayed older ones → read the evaluator's verdict → deploy
 * a blessed run as a canary. Every step goes to logs/cycle.log and sam.db; the state file is written
 * after every step, so a kill anywhere is continued by the next cycle. Quiet nights and refused runs are
 * normal outcomes (exit 0); only real failures throw.
 *
 * <pre>CycleResult r = new CycleRunner(home, config, db).run(false, listener);</pre>
 */
public final class CycleRunner {
    /** Crash points between the cycle's own steps (the steps inside collect, train and deploy have theirs). */
    public static final java.util.List<String> FAULT_POINTS = java.util.List.of("cycle.after-start",
            "cycle.after-canary", "cycle.after-collect", "cycle.after-train", "cycle.after-deploy");

    private final SamHome home;
    private final SamConfig config;
    private final Database db;
    private final DeployContext ctx;
    private final Clock clock;
    private final CycleStateFile stateFile;

    public CycleRunner(SamHome home, SamConfig config, Database db) {
        this(home, config, db, Clock.systemDefaultZone());
    }

    CycleRunner(SamHome home, SamConfig config, Database db, Clock clock) {
        this.home = home;
        this.config = config;
        this.db = db;
        this.ctx = DeployContext.of(home, db, config).withClock(clock);
        this.clock = clock;
        this.stateFile = new CycleStateFile(home.cycleState());
    }

    public CycleResult run(boolean dryRun, RunListener listener) {
        CycleJournal journal = new CycleJournal(home, db, clock, Times.runId(clock), dryRun);
        if (dryRun) {
            return turn(stateFile.read(), null, journal, listener);
        }
        Path lockFile = home.lockFile("train");
        try (ProcessLock lock = ProcessLock.tryAcquire(lockFile, "sam cycle " + journal.cycleId()).orElseThrow(() ->
                SamException.notReady("another cycle or training holds the train lock (" + ProcessLock.holderOf(lockFile)
                        + "); one at a time", "nothing to do now: the next scheduled cycle runs as usual"))) {
            CycleState state = stateFile.read();
            if (state.startedAt() != null) {
                new CycleRecovery(ctx).recover(state.startedAt(), journal);
            }
            stateFile.write(state.started(Times.now(clock)));
            Faults.point("cycle.after-start");
            try {
                return turn(stateFile.read(), lock, journal, listener);
            } catch (RuntimeException e) {
                failed(journal, e);
                throw e;
            }
        }
    }

    private CycleResult turn(CycleState state, ProcessLock lock, CycleJournal journal, RunListener listener) {
        boolean dry = lock == null;
        CycleTraining training = new CycleTraining(ctx, config, journal);
        if (state.pending() != null && !dry) {
            CycleTraining.Ended e = training.deployPending(state, null, null);
            save(e.state());
            if (!e.outcome().equals("canary_waiting")) {
                return finish(journal, e, 0, 0, "judge canary " + e.version() + " on the next cycle");
            }
            state = e.state();
        }
        CanaryStep.Result canary = new CanaryStep(ctx, CanaryJudge.of(config), clock).run(journal, dry);
        Faults.point("cycle.after-canary");
        CollectReport collected = new CollectService(home, config, db)
                .collect(new CollectRequest(Set.of(), null, null, null, null, dry), listener);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("added", collected.added());
        c.put("rejected", collected.rejected());
        c.put("total_samples", collected.totalSamples());
        journal.step("collect", (dry ? "would add " : "added ") + collected.added() + " samples (" + collected.rejected()
                + " rejected); " + collected.totalSamples() + " in all", c);
        Faults.point("cycle.after-collect");
        DataMark mark = DataMark.of(new ManifestFile(home.manifest()).read());
        long fresh = mark.newSamplesSince(state.blessedMark()) + (dry ? collected.added() : 0);
        long pairs = mark.newPairsSince(state.blessedMark());
        int min = config.cycle().minNewSamples();
        boolean corrections = config.cycle().trainOnCorrections() && pairs > 0;
        String counted = fresh + " new samples" + (pairs > 0 ? ", " + pairs + " new preference pairs" : "");
        if (canary.waiting()) {
            return finish(journal, idle("canary_waiting", "canary " + canary.version() + " in progress ("
                    + canary.message() + "); " + counted + " wait for it", null), fresh, pairs,
                    "judge canary " + canary.version() + " again");
        }
        if (fresh < min && !corrections) {
            return finish(journal, idle("nothing_to_do", "nothing to do: " + fresh + " new samples (< " + min + ")",
                    null), fresh, pairs, "train when " + min + " new samples are collected (" + fresh + " so far)");
        }
        CycleState.Attempt tried = state.lastAttempt();
        if (tried != null && tried.key().equals(training.attemptKey(mark))) {
            return finish(journal, idle("nothing_to_do", "nothing to do: " + counted + ", but run " + tried.runId()
                    + " was trained on the same data and settings and not deployed (" + tried.reason() + ")", null),
                    fresh, pairs, "train again when more samples are collected or the training settings change");
        }
        String why = counted + (fresh >= min ? " (>= " + min + ")" : " (train_on_corrections)");
        if (dry) {
            return finish(journal, idle("would_train", "would train: " + why, null), fresh, pairs,
                    "run `sam cycle` to train");
        }
        journal.step("decide", "training: " + why, Map.of("new_samples", fresh, "new_preference_pairs", pairs));
        CycleTraining.Ended t = training.train(state, mark, lock, listener);
        save(t.state());
        Faults.point("cycle.after-train");
        if (!t.outcome().equals("blessed")) {
            return finish(journal, t, fresh, pairs, "train again when more samples are collected");
        }
        CycleTraining.Ended d = training.deployPending(t.state(), t.samplesNew(), t.samplesReplayed());
        save(d.state());
        Faults.point("cycle.after-deploy");
        return finish(journal, d, fresh, pairs, d.version() == null ? "train again when more samples are collected"
                : "promote " + d.version() + " after " + config.cycle().canaryMinRequests()
                + " healthy requests or " + config.cycle().canaryMaxAge() + ", or abort it");
    }

    private static CycleTraining.Ended idle(String outcome, String message, CycleState state) {
        return new CycleTraining.Ended(outcome, message, null, null, null, null, state);
    }

    private CycleResult finish(CycleJournal journal, CycleTraining.Ended e, long fresh, long pairs, String next) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("outcome", e.outcome());
        data.put("next_step", next);
        if (e.runId() != null) {
            data.put("run_id", e.runId());
        }
        if (e.version() != null) {
            data.put("version", e.version());
        }
        journal.step("outcome", e.message(), data);
        if (!journal.dryRun()) {
            CycleState s = e.state() != null ? e.state() : stateFile.read();
            stateFile.write(s.finished(new CycleState.Outcome(Times.now(clock), e.outcome(), e.message(), next,
                    e.runId(), e.version())));
        }
        return new CycleResult(journal.cycleId(), journal.dryRun(), e.outcome(), e.message(), next, fresh, pairs,
                e.runId(), e.version(), e.samplesNew(), e.samplesReplayed(), journal.steps());
    }

    private void failed(CycleJournal journal, RuntimeException e) {
        String msg = "failed: " + (e instanceof SamException se ? se.getMessage() : e.toString());
        try {
            journal.step("outcome", msg, Map.of("outcome", "failed"));
            // startedAt stays set: the next cycle verifies and repairs what this one may have left
            CycleState s = stateFile.read();
            stateFile.write(s.finished(new CycleState.Outcome(Times.now(clock), "failed", msg,
                    "the next cycle checks the store and continues; see logs/cycle.log and logs/sam.log", null, null))
                    .started(s.startedAt()));
        } catch (RuntimeException ignored) {
            // the original failure is what the user must see
        }
    }

    private void save(CycleState s) {
        stateFile.write(s);
    }
}
