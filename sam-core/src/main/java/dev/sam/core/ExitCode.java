package dev.sam.core;

/**
 * The one exit-code table of the {@code sam} command. Scripts and cron jobs rely on these numbers,
 * so they never change meaning.
 */
public enum ExitCode {
    /** Done as asked. */
    OK(0),
    /** The work failed: bad data, a failed check, a refused deployment, an I/O error. */
    FAILURE(1),
    /** The command line itself is wrong: unknown option, bad value, missing argument. */
    USAGE(2),
    /** Not ready: e.g. fewer samples than the training threshold, or another run holds the lock. */
    NOT_READY(3),
    /** A bug in SAM: an unexpected exception. The log file has the stack trace. */
    INTERNAL(4),
    /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT). */
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
