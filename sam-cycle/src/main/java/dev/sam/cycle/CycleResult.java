package dev.sam.cycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one {@code sam cycle} did: its steps in order, the outcome (see {@code CycleState.Outcome}), the
 * one-line message a cron mail shows, what the next cycle will do, the run it trained and the version it
 * deployed or promoted (null when none), and the sample counts it decided on.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CycleResult(String cycleId, boolean dryRun, String outcome, String message, String nextStep,
                          long newSamples, long newPreferencePairs, String runId, String version,
                          Integer samplesNew, Integer samplesReplayed, List<Step> steps) {

    public CycleResult {
        steps = List.copyOf(steps);
    }

    /** One recorded step: {@code collect}, {@code canary}, {@code decide}, {@code train}, {@code evaluate}, {@code deploy}... */
    public record Step(String step, String message) {
    }
}
