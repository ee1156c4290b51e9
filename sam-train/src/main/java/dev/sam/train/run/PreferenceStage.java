package dev.sam.train.run;

import dev.sam.core.config.TrainingProfile;
import dev.sam.train.data.Batch;
import dev.sam.train.data.PreferenceExample;
import dev.sam.train.data.PreferencePairs;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.eval.PreferenceAccuracy;
import dev.sam.train.nativelib.LoraAdapters;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.nativelib.NativeTrainer;
import dev.sam.train.nativelib.TrainSettings;
import dev.sam.train.runs.StepMetrics;
import dev.sam.train.runs.StopSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The preference stage of a run: DPO (Rafailov et al. 2023) on the training pairs, from the adapters the
 * supervised stage left (or fresh ones for {@code --method dpo}), as TRL's DPOTrainer runs it after SFT.
 * The reference log-probabilities are computed once, before the first step, with the frozen base (the
 * LoRA path off) or the active version's adapters — the reference never changes, so one no-grad
 * forward per answer is all it costs (TRL's {@code precompute_ref_log_probs}). A micro-batch holds
 * {@code max(1, batch_size / 2)} pairs (two rows each, so the 8gb profile's batch 1 becomes one pair of
 * 2 rows); epochs are {@code dpo.epochs} passes over the pairs, reshuffled per epoch with the run's seed.
 * A fresh AdamW state with the profile's learning rate and schedule: the stage is its own optimization
 * problem, as a separate DPO run after SFT is. Interrupted, the stage ends without saving: a resumed run
 * continues the supervised stage from its checkpoint and then runs this stage again from the start
 * (it is deterministic, so it gives the same adapters).
 */
final class PreferenceStage {
    /** How the stage ended; the step counts are the stage's own, the last window's means are reported. */
    record Outcome(long steps, long totalSteps, boolean interrupted, double loss, double rewardAccuracy,
                   double rewardMargin, PreferenceAccuracy.Result before, PreferenceAccuracy.Result after,
                   double elapsedS) {
    }

    private final TrainingProfile settings;
    private final PreferencePairs pairs;
    private final StepReporter reporter;
    private final StopSignal stop;
    private final long firstStep;

    /** {@code firstStep}: the supervised stage's step count, after which this stage's rows are numbered. */
    PreferenceStage(TrainingProfile settings, PreferencePairs pairs, StepReporter reporter, StopSignal stop,
                    long firstStep) {
        this.settings = settings;
        this.pairs = pairs;
        this.reporter = reporter;
        this.stop = stop;
        this.firstStep = firstStep;
    }

    static int pairsPerMicroBatch(TrainingProfile s) {
        return Math.max(1, s.batchSize() / 2);
    }

    /** Optimizer steps of the stage for {@code trainPairs} pairs. */
    static int totalSteps(TrainingProfile s, int trainPairs) {
        int perEpoch = (trainPairs + pairsPerMicroBatch(s) - 1) / pairsPerMicroBatch(s);
        long micro = (long) perEpoch * s.dpo().epochs();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (micro + s.gradAccum() - 1) / s.gradAccum()));
    }

    /** Trains {@code adapters} in place; {@code reference} null is the frozen base model. */
    Outcome run(NativeModel model, LoraAdapters adapters, LoraAdapters reference) {
        List<PreferenceExample> train = pairs.train();
        int ppm = pairsPerMicroBatch(settings);
        int ga = settings.gradAccum();
        int total = totalSteps(settings, train.size());
        int longest = train.stream().mapToInt(PreferenceExample::longest).max().orElse(2);
        float beta = (float) settings.dpo().beta();
        float eps = (float) settings.dpo().labelSmoothing();
        reporter.note(String.format(java.util.Locale.ROOT, "preference stage: %d training / %d held-out pairs, %d steps"
                + " (%d pair(s) x grad accum %d), beta %s, label smoothing %s, reference %s", train.size(),
                pairs.valid().size(), total, ppm, ga, settings.dpo().beta(), settings.dpo().labelSmoothing(),
                settings.dpo().reference()));
        long t0 = System.nanoTime();
        // one forward per answer of every pair: minutes at the 1.5B shape, so it shows progress and stops on request
        double[] refTrain = PreferenceAccuracy.logProbs(model, reference, train, progress("training", train.size()));
        List<PreferenceExample> heldOut = pairs.heldOut();
        double[] refHeldOut = refTrain == null || pairs.heldOutIsTrain() ? refTrain // nothing held out: the same pairs
                : PreferenceAccuracy.logProbs(model, reference, heldOut, progress("held-out", heldOut.size()));
        if (refHeldOut == null) {
            reporter.note("preference stage stopped while computing the reference log-probabilities");
            return interrupted(0, total, Double.NaN, Double.NaN, Double.NaN, null, t0);
        }
        reporter.note(String.format(java.util.Locale.ROOT, "preference stage: reference log-probabilities of %d pairs"
                + " in %.1f s", train.size() + (pairs.heldOutIsTrain() ? 0 : heldOut.size()),
                (System.nanoTime() - t0) / 1e9));
        PreferenceAccuracy.Result before = PreferenceAccuracy.of(model, adapters, refHeldOut, heldOut);
        reporter.validation(StepMetrics.preferenceValidation(firstStep, before.accuracy(), reporter.elapsedS()));
        TrainSettings ts = TrainSettings.builder().learningRate(settings.learningRate()).maxBatch(2 * ppm)
                .maxSeqLen(Math.max(2, longest)).seed(settings.seed()).gradCheckpoint(settings.gradCheckpoint())
                .memoryBudget(settings.memoryBudgetBytes())
                .cosine(settings.lrSchedule().equals("cosine")).warmupSteps(Math.min(settings.warmupSteps(), total / 10))
                .totalSteps(total).minLr(0).weightDecay(settings.weightDecay()).gradClip(settings.gradClip()).build();
        int perEpoch = (train.size() + ppm - 1) / ppm;
        double lastLoss = Double.NaN;
        double lastAcc = Double.NaN;
        double lastMargin = Double.NaN;
        int done = 0;
        try (NativeTrainer trainer = NativeTrainer.create(model, adapters, ts)) {
            TrainingSession.notePlan(reporter, trainer.plan(), 2 * ppm);
            int[] order = null;
            for (int step = 0; step < total; step++) {
                long s0 = System.nanoTime();
                double loss = 0;
                int won = 0;
                int seen = 0;
                double margins = 0;
                double chosen = 0;
                double rejected = 0;
                long tokens = 0;
                for (int m = 0; m < ga; m++) {
                    long micro = (long) step * ga + m;
                    int epoch = (int) (micro / perEpoch);
                    if (micro % perEpoch == 0 || order == null) {
                        order = shuffled(train.size(), settings.seed() * 1_000_003L + epoch);
                    }
                    int first = (int) (micro % perEpoch) * ppm;
                    List<PreferenceExample> chunk = new ArrayList<>(ppm);
                    double[] ref = new double[2 * Math.min(ppm, train.size() - first)];
                    for (int i = 0; i < ref.length / 2; i++) {
                        int p = order[first + i];
                        chunk.add(train.get(p));
                        ref[2 * i] = refTrain[2 * p];
                        ref[2 * i + 1] = refTrain[2 * p + 1];
                    }
                    List<TokenizedExample> rows = PreferenceAccuracy.rows(chunk);
                    Batch b = Batch.of(micro, epoch, rows, null, 0);
                    NativeTrainer.PreferenceLoss r = trainer.accumulatePreference(b.toTokenBatch(), ref, beta, eps);
                    loss += r.meanLoss();
                    for (int i = 0; i < chunk.size(); i++) {
                        double rc = beta * (r.policyLogp()[2 * i] - ref[2 * i]);
                        double rr = beta * (r.policyLogp()[2 * i + 1] - ref[2 * i + 1]);
                        won += rc > rr ? 1 : 0;
                        margins += rc - rr;
                        chosen += r.policyLogp()[2 * i];
                        rejected += r.policyLogp()[2 * i + 1];
                        seen++;
                    }
                    tokens += b.realTokens();
                    if (stop.urgent()) {
                        return interrupted(done, total, lastLoss, lastAcc, lastMargin, before, t0);
                    }
                }
                NativeTrainer.StepStats st = trainer.apply();
                done = step + 1;
                double dt = (System.nanoTime() - s0) / 1e9;
                lastLoss = loss / ga;
                lastAcc = (double) won / seen;
                lastMargin = margins / seen;
                reporter.step(StepMetrics.preference(firstStep + done, (double) done * ga / perEpoch, lastLoss,
                        st.learningRate(), st.gradNorm(), tokens, dt > 0 ? tokens / dt : 0, reporter.elapsedS(),
                        ResourceUsage.rssBytes(), lastAcc, lastMargin, chosen / seen, rejected / seen));
                if (stop.requested() && done < total) {
                    return interrupted(done, total, lastLoss, lastAcc, lastMargin, before, t0);
                }
            }
        }
        PreferenceAccuracy.Result after = PreferenceAccuracy.of(model, adapters, refHeldOut, heldOut);
        reporter.validation(StepMetrics.preferenceValidation(firstStep + total, after.accuracy(), reporter.elapsedS()));
        return new Outcome(total, total, false, lastLoss, lastAcc, lastMargin, before, after,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Shows "reference log-probabilities i/n" at most every second; false once a stop is requested. */
    private java.util.function.IntPredicate progress(String which, int n) {
        long[] last = {System.nanoTime()};
        return done -> {
            if (System.nanoTime() - last[0] > 1_000_000_000L) {
                last[0] = System.nanoTime();
                reporter.progress(firstStep, "preference stage: reference log-probabilities of the " + which + " pairs "
                        + done + "/" + n);
            }
            return !stop.requested();
        };
    }

    private static Outcome interrupted(int done, int total, double loss, double acc, double margin,
                                       PreferenceAccuracy.Result before, long t0) {
        return new Outcome(done, total, true, loss, acc, margin, before, null, (System.nanoTime() - t0) / 1e9);
    }

    /** A permutation of 0..n-1 (Fisher–Yates with a seeded java.util.Random: the same on every JVM). */
    static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
