package dev.sam.quickstart;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A run the quickstart trained, as the summary reports it: the real numbers of its evaluation and
 * whether it was blessed, and how it was deployed — {@code deployForced} true when it was not blessed
 * and the quickstart deployed it with {@code --force} (the generation check still had to pass).
 *
 * @param forcedTraining trained with {@code sam force} semantics (fewer samples than training.min_samples)
 * @param discarded      runs trained just before this one that deploy's validation refused (id and reason)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TrainedRun(String runId, long seed, boolean forcedTraining, int samples, int steps, Double trainLoss,
                         Double valLoss, Double baseValLoss, String comparedWith, Double comparedValLoss,
                         Double repetitionRate, boolean blessed, String reason, String deployedAs, String deployedHow,
                         boolean deployForced, String runDir, String report, String log,
                         java.util.List<String> discarded) {

    TrainedRun deployed(String version, String how, boolean forced) {
        return new TrainedRun(runId, seed, forcedTraining, samples, steps, trainLoss, valLoss, baseValLoss,
                comparedWith, comparedValLoss, repetitionRate, blessed, reason, version, how, forced, runDir, report,
                log, discarded);
    }
}
