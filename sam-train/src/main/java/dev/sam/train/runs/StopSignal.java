package dev.sam.train.runs;

/**
 * Asks a running job to stop. {@link #requested()}: stop at the next safe point (finish the optimizer
 * step, save a checkpoint); {@link #urgent()} (a second Ctrl-C): stop as soon as possible, without a new
 * checkpoint (the last periodic one is the resume point).
 */
public interface StopSignal {
    StopSignal NEVER = new StopSignal() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public boolean urgent() {
            return false;
        }

        @Override
        public String reason() {
            return null;
        }
    };

    boolean requested();

    boolean urgent();

    /** What asked to stop, e.g. "SIGTERM"; null while nothing did. */
    String reason();
}
