package dev.sam.train.run;

import dev.sam.core.config.TrainingProfile;
import dev.sam.train.data.BatchIterator;
import dev.sam.train.data.BatchSchedule;
import dev.sam.train.data.CompetenceCurriculum;
import dev.sam.train.data.SampleWeights;
import dev.sam.train.data.TokenizedExample;
import dev.sam.train.nativelib.NativeModel;
import dev.sam.train.runs.RunPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The batch sequence of a run from its {@code weighting} and {@code curriculum}: {@code none} is mlx-lm's
 * length-grouped shuffle ({@link BatchIterator}); {@code length} and {@code loss} rank the examples by token
 * length or by the base model's loss ({@link BaseModelLosses}) and feed them easy to hard on the competence
 * schedule of {@link CompetenceCurriculum}, the whole data admitted after half of the run's steps (the paper
 * leaves T to the user; half keeps a second half of uniform training over everything).
 */
final class TrainingBatches {
    /** What was built, and a line for the training log (null: nothing to say). */
    record Built(BatchSchedule schedule, String note) {
    }

    private TrainingBatches() {
    }

    static long rampSteps(long totalSteps) {
        return Math.max(1, totalSteps / 2);
    }

    /** {@code scoresCache}: where the base-model losses of this data are cached (used by curriculum loss only). */
    static Built of(RunPlan plan, List<TokenizedExample> train, NativeModel model, Path scoresCache) {
        TrainingProfile s = plan.settings();
        double[] weights = SampleWeights.of(train, plan.weighting());
        String w = weights == null ? "" : String.format(Locale.ROOT, "weighting: quality (weights %.2f..%.2f, mean 1)",
                min(weights), max(weights));
        if (plan.curriculum().equals("none")) {
            return new Built(new BatchIterator(train, weights, s.batchSize(), s.seed(), 0), w.isEmpty() ? null : w);
        }
        double[] difficulty = new double[train.size()];
        if (plan.curriculum().equals("length")) {
            for (int i = 0; i < difficulty.length; i++) {
                difficulty[i] = train.get(i).length();
            }
        } else {
            difficulty = BaseModelLosses.of(model, train, scoresCache, s.baseModel(), plan.data().fingerprint());
        }
        long ramp = rampSteps(plan.data().totalSteps());
        String note = String.format(Locale.ROOT, "curriculum: %s, easy to hard (%s %.3g..%.3g), competence from %.2f"
                + " to 1 at step %d", plan.curriculum(), plan.curriculum().equals("length") ? "tokens" : "base loss",
                min(difficulty), max(difficulty), CompetenceCurriculum.C0, ramp) + (w.isEmpty() ? "" : "; " + w);
        return new Built(new CompetenceCurriculum(train, difficulty, weights, s.batchSize(), s.gradAccum(),
                CompetenceCurriculum.C0, ramp, s.seed(), 0), note);
    }

    private static double min(double[] a) {
        return java.util.Arrays.stream(a).min().orElse(0);
    }

    private static double max(double[] a) {
        return java.util.Arrays.stream(a).max().orElse(0);
    }
}
