package dev.sam.train.run;

import dev.sam.core.config.TrainingProfile;
import dev.sam.train.data.Batch;
import dev.sam.train.data.BatchSchedule;
import dev.sam.train.data.PreparedData;
import dev.sam.train.data.SampleWeights;
import dev.sam.train.eval.HeldOutLoss;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.runs.RunPlan;
import dev.sam.train.runs.StepMetrics;
import dev.sam.train.runs.StopSignal;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The optimizer loop of one run (mlx-lm tuner/trainer.py's loop, with SAM's checkpoints): step s
 * accumulates micro-batches s·grad_accum … s·grad_accum + grad_accum − 1 of the endless, seeded batch
 * sequence (so a resumed run sees exactly the batches it would have seen), then applies one AdamW step.
 * Validation every eval_every steps and at the end; a checkpoint and an mlx-lm step snapshot
 * ({@code %07d_adapters.safetensors}) every checkpoint_every steps. A stop request is honored after the
 * step in progress (a checkpoint cannot hold half-accumulated gradients), an urgent one after the
 * micro-batch in progress without a checkpoint.
 */
final class TrainingLoop {
    /** How the loop ended. {@code trainLoss} is the mean step loss over the last {@code window} steps. */
    record Outcome(long stepsDone, long totalSteps, boolean interrupted, Checkpoints.Checkpoint checkpoint,
                   double trainLoss, int window, HeldOutLoss.Result finalVal, long tokens, double elapsedS) {
        double tokensPerS() {
            return elapsedS > 0 ? tokens / elapsedS : 0;
        }

        /** The same with the held-out loss of the adapters the run saves (after a preference stage). */
        Outcome withFinalVal(HeldOutLoss.Result v) {
            return new Outcome(stepsDone, totalSteps, interrupted, checkpoint, trainLoss, window, v, tokens, elapsedS);
        }
    }

    private final RunPlan plan;
    private final PreparedData data;
    private final Path adaptersDir;
    private final Checkpoints checkpoints;
    private final StepReporter reporter;
    private final StopSignal stop;

    TrainingLoop(RunPlan plan, PreparedData data, Path adaptersDir, Checkpoints checkpoints, StepReporter reporter,
                 StopSignal stop) {
        this.plan = plan;
        this.data = data;
        this.adaptersDir = adaptersDir;
        this.checkpoints = checkpoints;
        this.reporter = reporter;
        this.stop = stop;
    }

    /** Number of trailing steps whose mean is reported as the training loss: about one epoch. */
    static int window(RunPlan p) {
        int perEpoch = (p.data().batchesPerEpoch() + p.settings().gradAccum() - 1) / p.settings().gradAccum();
        return Math.max(1, Math.min(p.data().totalSteps(), perEpoch));
    }

    /**
     * Runs from the trainer's current step over {@code batches} ({@link TrainingBatches}); {@code prior} are the
     * step losses before it (resume). With sample weights the step loss is the weighted mean
     * ({@link SampleWeights#forStep}).
     */
    Outcome run(NativeModel model, LoraAdapters adapters, NativeTrainer trainer, BatchSchedule batches,
                List<Double> prior) {
        TrainingProfile s = plan.settings();
        int ga = s.gradAccum();
        long total = plan.data().totalSteps();
        int window = window(plan);
        Deque<Double> recent = new ArrayDeque<>();
        prior.forEach(l -> push(recent, l, window));
        long tokensAll = 0;
        Checkpoints.Checkpoint last = checkpoints.latest().orElse(null);
        for (long step = trainer.step(); step < total; step++) {
            long t0 = System.nanoTime();
            long tokens = 0;
            double lossSum = 0;
            List<Batch> micro = new ArrayList<>(ga);
            for (int m = 0; m < ga; m++) {
                micro.add(batches.batch(step * ga + m));
            }
            float[][] weights = micro.get(0).weights() == null ? null : SampleWeights.forStep(micro);
            for (int m = 0; m < ga; m++) {
                Batch b = micro.get(m);
                lossSum += (weights == null ? trainer.accumulate(b.toTokenBatch())
                        : trainer.accumulate(b.toTokenBatch(), weights[m])).meanLoss();
                tokens += b.realTokens();
                if (stop.urgent()) {
                    return outcome(step, total, true, last, recent, window, null, tokensAll);
                }
            }
            NativeTrainer.StepStats st = trainer.apply();
            double dt = (System.nanoTime() - t0) / 1e9;
            long done = step + 1;
            double loss = lossSum / ga;
            push(recent, loss, window);
            tokensAll += tokens;
            reporter.step(StepMetrics.train(done, (double) done * ga / plan.data().batchesPerEpoch(), loss,
                    st.learningRate(), st.gradNorm(), tokens, dt > 0 ? tokens / dt : 0, reporter.elapsedS(),
                    ResourceUsage.rssBytes()));
            if (done >= total) {
                break;
            }
            if (done % s.evalEvery() == 0) {
                validate(model, adapters, done);
            }
            if (done % s.checkpointEvery() == 0) {
                last = checkpoints.save(trainer);
                adapters.save(adaptersDir.resolve(String.format("%07d_adapters.safetensors", done)));
            }
            if (stop.requested()) {
                if (last == null || last.step() != done) {
                    last = checkpoints.save(trainer);
                }
                return outcome(done, total, true, last, recent, window, null, tokensAll);
            }
        }
        HeldOutLoss.Result v = validate(model, adapters, total);
        return outcome(total, total, false, last, recent, window, v, tokensAll);
    }

    /**
     * The outcome of a run without a supervised stage ({@code --method dpo}): nothing trained, nothing
     * measured (the preference stage's adapters are measured after it, {@link Outcome#withFinalVal}).
     */
    static Outcome skipped() {
        return new Outcome(0, 0, false, null, Double.NaN, 0, null, 0, 0);
    }

    private HeldOutLoss.Result validate(NativeModel model, LoraAdapters adapters, long step) {
        HeldOutLoss.Result v = HeldOutLoss.of(model, adapters, data.heldOut());
        reporter.validation(StepMetrics.validation(step, v.loss(), v.targets(), reporter.elapsedS()));
        return v;
    }

    private Outcome outcome(long done, long total, boolean interrupted, Checkpoints.Checkpoint ckpt,
                            Deque<Double> recent, int window, HeldOutLoss.Result val, long tokens) {
        double mean = recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new Outcome(done, total, interrupted, ckpt, mean, recent.size(), val, tokens, reporter.elapsedS());
    }

    private static void push(Deque<Double> d, double v, int max) {
        d.addLast(v);
        while (d.size() > max) {
            d.removeFirst();
        }
    }
}
