package dev.sam.cycle;

import dev.sam.core.SamException;
import dev.sam.core.config.SamConfig;
import dev.sam.core.cycle.CycleState;
import dev.sam.core.cycle.DataMark;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.json.Json;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.store.VersionCatalog;
import dev.sam.core.progress.ProgressListener;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.DeployResult;
import dev.sam.deploy.Deployer;
import dev.sam.train.run.RunListener;
import dev.sam.train.run.RunResult;
import dev.sam.train.run.TrainRequest;
import dev.sam.train.run.TrainingRunner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Train, evaluate and deploy for one cycle: trains on the new samples plus replayed older ones
 * ({@link ReplaySelection}) under the cycle's train lock, reads the evaluator's verdict, and deploys a
 * blessed run as a canary (or as the active version when there is none to compare a canary with).
 * Each outcome is an {@link Ended}; refusals are normal outcomes, not errors.
 */
final class CycleTraining {

    /** How the training part ended: outcome, message, run, version and the selection's counts. */
    record Ended(String outcome, String message, String runId, String version, Integer samplesNew,
                 Integer samplesReplayed, CycleState state) {
    }

    private final DeployContext ctx;
    private final SamConfig config;
    private final CycleJournal journal;

    CycleTraining(DeployContext ctx, SamConfig config, CycleJournal journal) {
        this.ctx = ctx;
        this.config = config;
        this.journal = journal;
    }

    /** The key of a training attempt: the data it saw and every setting that shapes the run. */
    String attemptKey(DataMark mark) {
        String s = Json.write(mark) + "\n" + Json.write(config.training()) + "\n" + config.cycle().replayRatio() + "/"
                + config.cycle().replaySeed();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Ended train(CycleState state, DataMark mark, ProcessLock trainLock, RunListener listener) {
        ReplaySelection selection = new ReplaySelection(ctx.home().trainingData(), state.blessedMark(), mark,
                config.cycle().replayRatio(), config.cycle().replaySeed() + mark.files().values().stream()
                .mapToLong(f -> f.records()).sum()); // a different, reproducible draw as the data grows
        WarmStart.Choice start = WarmStart.choose(config, VersionCatalog.read(ctx.home()));
        TrainingRunner runner = new TrainingRunner(ctx.home(), config, ctx.db()).selecting(selection).holdingLock(trainLock);
        RunResult r = (start.adapters() == null ? runner : runner.startingFrom(start.adapters()))
                .run(TrainRequest.profile(null).withForce(true), listener);
        String runId = r.run().runId();
        Integer fresh = number(r.run().metrics().get(ReplaySelection.NEW));
        Integer replayed = number(r.run().metrics().get(ReplaySelection.REPLAYED));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run_id", runId);
        data.put(ReplaySelection.NEW, fresh);
        data.put(ReplaySelection.REPLAYED, replayed);
        data.put("samples_count", r.run().samplesCount());
        data.put("start", start.why());
        journal.step("train", "run " + runId + " trained on " + fresh + " new + " + replayed + " replayed samples, "
                + start.why(), data);
        boolean blessed = r.eval() != null && r.eval().blessed();
        String reason = r.eval() == null ? "no evaluation" : r.eval().reason();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("run_id", runId);
        ev.put("blessed", blessed);
        ev.put("reason", reason);
        journal.step("evaluate", "run " + runId + (blessed ? " blessed: " : " not blessed: ") + reason, ev);
        if (!blessed) {
            String active = active().map(ModelVersion::version).orElse("no version");
            return new Ended("not_blessed", "run " + runId + " not blessed: " + reason + "; " + active + " stays active",
                    runId, null, fresh, replayed, state.withAttempt(new CycleState.Attempt(attemptKey(mark), runId,
                    "not blessed: " + reason)));
        }
        return new Ended("blessed", reason, runId, null, fresh, replayed,
                state.withPending(new CycleState.Pending(runId, mark)));
    }

    /**
     * Deploys the pending blessed run: as a canary next to the active version, or as the active version
     * when none is active. A canary of this run that is already registered (a kill after registering it)
     * is taken as done; another canary still running keeps the run pending.
     */
    Ended deployPending(CycleState state, Integer fresh, Integer replayed) {
        CycleState.Pending p = state.pending();
        VersionCatalog versions = VersionCatalog.read(ctx.home());
        Optional<ModelVersion> canary = versions.canary();
        if (canary.isPresent() && p.runId().equals(canary.get().trainingRunId())) {
            return deployed(state, "canary_started", canary.get().version(), "canary " + canary.get().version()
                    + " of run " + p.runId() + " was already registered", fresh, replayed);
        }
        if (canary.isPresent()) {
            return new Ended("canary_waiting", "run " + p.runId() + " waits: canary " + canary.get().version()
                    + " is still running", p.runId(), null, fresh, replayed, state);
        }
        int traffic = config.cycle().canaryTraffic();
        try {
            if (versions.active().isPresent()) {
                String active = versions.active().get().version();
                DeployResult d = new Canary(ctx).start(DeployRequest.ofRun(p.runId()).asCanary(traffic)
                        .withDescription("sam cycle " + journal.cycleId()), ProgressListener.NONE);
                return deployed(state, "canary_started", d.version().version(), "canary " + d.version().version()
                        + " started at " + traffic + "% of traffic next to " + active, fresh, replayed);
            }
            DeployResult d = new Deployer(ctx).deploy(DeployRequest.ofRun(p.runId())
                    .withDescription("sam cycle " + journal.cycleId()), ProgressListener.NONE);
            return deployed(state, "deployed", d.version().version(), "deployed " + d.version().version()
                    + " as the active version (there was none to run a canary against)", fresh, replayed);
        } catch (SamException e) {
            if (e.exitCode() != dev.sam.core.ExitCode.FAILURE) {
                throw e;
            }
            String active = active().map(ModelVersion::version).orElse("no version");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("run_id", p.runId());
            data.put("error", e.getMessage());
            journal.step("deploy", "refused run " + p.runId() + ": " + e.getMessage(), data);
            return new Ended("refused", "run " + p.runId() + " blessed but deployment refused it: " + e.getMessage()
                    + "; " + active + " stays active", p.runId(), null, fresh, replayed,
                    state.withAttempt(new CycleState.Attempt(attemptKey(p.mark()), p.runId(),
                            "deploy refused: " + e.getMessage())));
        }
    }

    private Ended deployed(CycleState state, String outcome, String version, String message, Integer fresh,
                           Integer replayed) {
        CycleState.Pending p = state.pending();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run_id", p.runId());
        data.put("version", version);
        journal.step("deploy", message, data);
        return new Ended(outcome, "run " + p.runId() + " blessed; " + message, p.runId(), version, fresh, replayed,
                state.withBlessed(p.mark(), p.runId()));
    }

    private Optional<ModelVersion> active() {
        return VersionCatalog.read(ctx.home()).active();
    }

    private static Integer number(Object o) {
        return o instanceof Number n ? n.intValue() : null;
    }
}
