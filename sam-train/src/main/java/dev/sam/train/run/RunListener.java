package dev.sam.train.run;

import dev.sam.core.progress.ProgressListener;

/**
 * What a run tells its caller while it works: progress of the optimizer steps (the CLI draws a bar),
 * warnings about the data (skipped lines, truncation) and the stage it is in. Modules never print; the
 * CLI decides how to show these.
 */
public interface RunListener extends ProgressListener {
    RunListener NONE = new RunListener() {
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

    /** Something the user should know that does not stop the run. */
    default void warning(String message) {
    }

    /** A new stage began, e.g. "loading data", "evaluating". */
    default void stage(String message) {
    }
}
