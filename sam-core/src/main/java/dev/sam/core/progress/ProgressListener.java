package dev.sam.core.progress;

/**
 * How long-running work (collection, training, benchmarks) reports progress without printing:
 * modules call it, the CLI draws a bar on stderr and writes the same lines to the log.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
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

    /** A new task with {@code total} units (0 when unknown). */
    void start(String task, long total);

    /** {@code done} units so far; {@code detail} is a short status such as "loss 1.23 · 812 tok/s". */
    void update(long done, String detail);

    /** The task ended; summary may be null. */
    void finish(String summary);
}
