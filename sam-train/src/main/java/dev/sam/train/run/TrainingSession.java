package dev.sam.train.run;

import dev.sam.core.SamException;
import dev.sam.core.config.TrainingProfile;
import dev.sam.train.adapters.AdapterConfig;
import dev.sam.train.data.PreferencePairs;
import dev.sam.train.data.PreparedData;
import dev.sam.train.eval.HeldOutLoss;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.LoraSpec;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TrainSettings;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.StepMetrics;
import dev.sam.train.runs.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The native part of a run: opens the base model, creates (or, when resuming, restores from the newest
 * checkpoint) the adapters and the AdamW trainer, runs the {@link TrainingLoop}, and on completion saves
 * {@code adapters/adapters.safetensors} next to the {@code adapter_config.json} written at the start
 * (as mlx-lm does, so step snapshots are usable on their own).
 */
final class TrainingSession {
    private final RunPlan plan;
    private final PreparedData data;
    private final Path runDir;
    private final Path warmStart;
    private final Path scoresCache;
    private final PreferencePairs pairs;
    private final Path referenceAdapters;

    /** Both stages' outcomes; {@code dpo} is null when the run has no preference stage (or it did not start). */
    record Outcome(TrainingLoop.Outcome sft, PreferenceStage.Outcome dpo) {
        boolean interrupted() {
            return sft.interrupted() || (dpo != null && dpo.interrupted());
        }
    }

    /**
     * {@code warmStart}: an adapters.safetensors to start from instead of fresh adapters (null: fresh);
     * {@code scoresCache}: the base-model losses of this data for {@code curriculum: loss}; {@code pairs}: the
     * preference stage's data (empty: no stage); {@code referenceAdapters}: the DPO reference's adapter
     * directory (null: the frozen base).
     */
    TrainingSession(RunPlan plan, PreparedData data, Path runDir, Path warmStart, Path scoresCache,
                    PreferencePairs pairs, Path referenceAdapters) {
        this.pairs = pairs;
        this.referenceAdapters = referenceAdapters;
        this.plan = plan;
        this.scoresCache = scoresCache;
        this.data = data;
        this.runDir = runDir;
        this.warmStart = warmStart;
    }

    Path adaptersDir() {
        return runDir.resolve("adapters");
    }

    static LoraSpec spec(TrainingProfile s) {
        return LoraSpec.of(s);
    }

    static TrainSettings settings(RunPlan p) {
        TrainingProfile s = p.settings();
        return TrainSettings.builder().learningRate(s.learningRate()).maxBatch(s.batchSize())
                .maxSeqLen(p.data().longestTokens()).seed(s.seed()).gradCheckpoint(s.gradCheckpoint())
                .memoryBudget(s.memoryBudgetBytes())
                .cosine(s.lrSchedule().equals("cosine")).warmupSteps(s.warmupSteps()).totalSteps(p.data().totalSteps())
                .minLr(0).weightDecay(s.weightDecay()).gradClip(s.gradClip()).build();
    }

    /** mlx-lm's training arguments as adapter_config.json records them, plus SAM's. */
    static Map<String, Object> trainingArgs(RunPlan p) {
        TrainingProfile s = p.settings();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("batch_size", s.batchSize());
        a.put("iters", p.data().totalSteps());
        a.put("learning_rate", s.learningRate());
        a.put("max_seq_length", s.maxSeqLength());
        a.put("grad_checkpoint", s.gradCheckpoint());
        a.put("memory_budget_gb", s.memoryBudgetGb());
        a.put("mask_prompt", p.maskPrompt());
        a.put("seed", s.seed());
        a.put("save_every", s.checkpointEvery());
        a.put("steps_per_eval", s.evalEvery());
        a.put("optimizer", "adamw");
        a.put("lr_schedule", s.lrSchedule());
        a.put("grad_accum", s.gradAccum());
        a.put("epochs", s.epochs());
        a.put("profile", p.profile());
        a.put("weighting", p.weighting());
        a.put("curriculum", p.curriculum());
        a.put("method", p.method());
        a.put("sam_run_id", p.runId());
        return a;
    }

    /** Trains until done or stopped; {@code resume} restores the newest checkpoint first. */
    Outcome run(StepReporter reporter, StopSignal stop, boolean resume, List<Double> priorLosses,
                Checkpoints checkpoints) {
        TrainingProfile s = plan.settings();
        LoraSpec spec = spec(s);
        try {
            Files.createDirectories(adaptersDir());
            AdapterConfig.of(spec, s.baseModel()).write(adaptersDir().resolve("adapter_config.json"), s.alpha(),
                    trainingArgs(plan));
        } catch (IOException e) {
            throw SamException.io("write the adapter config into", adaptersDir(), e);
        }
        try (NativeModel model = NativeModel.open(Path.of(plan.baseModelDir()));
             LoraAdapters adapters = warmStart != null && !resume ? LoraAdapters.load(model, spec, warmStart)
                     : LoraAdapters.create(model, spec, s.seed())) {
            TrainingLoop.Outcome o;
            if (plan.trainsSft()) {
                o = supervised(model, adapters, reporter, stop, resume, priorLosses, checkpoints);
            } else {
                reporter.note("--method dpo: no supervised stage");
                o = TrainingLoop.skipped();
            }
            PreferenceStage.Outcome dpo = null;
            if (!o.interrupted() && !pairs.isEmpty()) { // the supervised trainer is closed: one arena at a time
                try (LoraAdapters reference = referenceAdapters == null ? null
                        : dev.sam.train.infer.ChatEngine.loadAdapters(model, referenceAdapters)) {
                    dpo = new PreferenceStage(s, pairs, reporter, stop, o.stepsDone()).run(model, adapters, reference);
                }
                if (!dpo.interrupted()) { // the saved adapters are the stage's: the run's held-out loss is theirs
                    HeldOutLoss.Result v = HeldOutLoss.of(model, adapters, data.heldOut());
                    reporter.validation(StepMetrics.preferenceValidationLoss(o.stepsDone() + dpo.steps(), v.loss(),
                            v.targets(), reporter.elapsedS()));
                    o = o.withFinalVal(v);
                }
            }
            if (!o.interrupted() && (dpo == null || !dpo.interrupted())) {
                adapters.save(adaptersDir().resolve("adapters.safetensors"));
            }
            return new Outcome(o, dpo);
        }
    }

    /** The trainer's memory plan on the log, and a warning when it exceeds the profile's budget. */
    static void notePlan(StepReporter reporter, NativeTrainer.MemoryPlan mp, int batch) {
        reporter.note("memory plan: " + mp.describe() + (mp.rowsPerPass() < batch
                ? ", each batch of " + batch + " in " + ((batch + mp.rowsPerPass() - 1) / mp.rowsPerPass()) + " passes" : ""));
        if (mp.overBudget()) {
            reporter.note(String.format(java.util.Locale.ROOT, "warning: even one row per pass needs %.2f GB, over the"
                    + " profile's memory_budget_gb %.2f: shorten max_seq_length or raise the budget",
                    mp.plannedBytes() / 1e9, mp.budgetBytes() / 1e9));
        }
    }

    private TrainingLoop.Outcome supervised(NativeModel model, LoraAdapters adapters, StepReporter reporter,
                                            StopSignal stop, boolean resume, List<Double> priorLosses,
                                            Checkpoints checkpoints) {
        try (NativeTrainer trainer = NativeTrainer.create(model, adapters, settings(plan))) {
            notePlan(reporter, trainer.plan(), plan.settings().batchSize());
            if (resume) {
                checkpoints.latest().ifPresent(c -> trainer.loadCheckpoint(c.file()));
            }
            if (plan.curriculum().equals("loss")) {
                reporter.note("curriculum: base-model loss of " + data.train().examples().size() + " training samples"
                        + (Files.isRegularFile(scoresCache) ? " from " : ", scored once into ") + scoresCache);
            }
            TrainingBatches.Built batches = TrainingBatches.of(plan, data.train().examples(), model, scoresCache);
            if (batches.note() != null) {
                reporter.note(batches.note());
            }
            return new TrainingLoop(plan, data, adaptersDir(), checkpoints, reporter, stop)
                    .run(model, adapters, trainer, batches.schedule(), priorLosses);
        }
    }
}
