package dev.sam.quickstart;

import dev.sam.train.run.RunListener;

/**
 * What the quickstart tells its caller while it works: a step starts, a step ends, and — through the
 * {@link RunListener} methods — progress of long work inside a step (collection, training). Modules
 * never print; the CLI decides how to show these.
 */
public interface QuickstartListener extends RunListener {
    QuickstartListener NONE = new QuickstartListener() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void update(long done, String detail) {
        }

        @Override
        public void finish(String summary) {
        }
    };

    /** Step {@code index} of {@code total} starts. */
    default void stepStarted(int index, int total, String name) {
    }

    /** A step ended (passed or failed). */
    default void stepFinished(StepResult result) {
    }
}
