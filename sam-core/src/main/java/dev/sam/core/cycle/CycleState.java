package dev.sam.core.cycle;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code SAM_HOME/cycle/state.json}: what one {@code sam cycle} leaves for the next. Written atomically
 * after every step, so a cycle killed anywhere is continued by the next one.
 *
 * @param blessedMark the data the last blessed (and deployed) run of the cycle was trained on; null: none yet
 * @param blessedRun  that run
 * @param pending     a blessed run whose canary is not registered yet (a kill between bless and deploy)
 * @param lastAttempt the last run that was not deployed, and on what data, so the same data and
 *                    settings are not trained again every night
 * @param startedAt   set while a cycle runs; found set by the next cycle, it means the last one was killed
 * @param last        the outcome of the last finished cycle
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CycleState(DataMark blessedMark, String blessedRun, Pending pending, Attempt lastAttempt,
                         String startedAt, Outcome last) {

    public static CycleState initial() {
        return new CycleState(null, null, null, null, null, null);
    }

    /** A blessed run waiting to be deployed, with the data it was trained on. */
    public record Pending(String runId, DataMark mark) {
    }

    /** A run that was not deployed: the key of its data and settings, and why. */
    public record Attempt(String key, String runId, String reason) {
    }

    /**
     * One finished cycle: when, its outcome ({@code nothing_to_do}, {@code canary_waiting},
     * {@code not_blessed}, {@code canary_started}, {@code deployed}, {@code promoted}, {@code aborted},
     * {@code failed}), a one-line message and what the next cycle will do.
     */
    public record Outcome(String at, String outcome, String message, String nextStep, String runId,
                          String version) {
    }

    public CycleState withBlessed(DataMark mark, String runId) {
        return new CycleState(mark, runId, null, null, startedAt, last);
    }

    public CycleState withPending(Pending p) {
        return new CycleState(blessedMark, blessedRun, p, lastAttempt, startedAt, last);
    }

    public CycleState withAttempt(Attempt a) {
        return new CycleState(blessedMark, blessedRun, null, a, startedAt, last);
    }

    public CycleState started(String at) {
        return new CycleState(blessedMark, blessedRun, pending, lastAttempt, at, last);
    }

    public CycleState finished(Outcome o) {
        return new CycleState(blessedMark, blessedRun, pending, lastAttempt, null, o);
    }
}
