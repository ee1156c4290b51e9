package dev.sam.core;

import java.util.Objects;

/**
 * The one exception base of SAM. Its message is written for the user (what went wrong, and where);
 * its hint says what to do next. Modules throw it; only the CLI prints it.
 *
 * <pre>throw new SamException(ExitCode.FAILURE, "sam.db at /x is not a SQLite database", "move it aside and run again");</pre>
 */
public class SamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;
    private final String hint;

    public SamException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public SamException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message), cause);
        this.exitCode = Objects.requireNonNull(exitCode);
        this.hint = hint;
    }

    /** The work failed (exit 1). */
    public static SamException failure(String message, String hint) {
        return new SamException(ExitCode.FAILURE, message, hint);
    }

    /** The user's input is invalid (exit 2). */
    public static SamException usage(String message, String hint) {
        return new SamException(ExitCode.USAGE, message, hint);
    }

    /** The pipeline is not ready for what was asked (exit 3). */
    public static SamException notReady(String message, String hint) {
        return new SamException(ExitCode.NOT_READY, message, hint);
    }

    /**
     * A file operation failed (exit 1, not an internal error): says what was being done to which path and
     * why, and the hint names the directory to look at — free space first when the disk is full.
     *
     * <pre>throw SamException.io("write the checkpoint", file, e);</pre>
     */
    public static SamException io(String doing, java.nio.file.Path path, java.io.IOException e) {
        java.nio.file.Path dir = path.toAbsolutePath().getParent();
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        boolean full = why.contains("No space left") || why.contains("Disk quota exceeded");
        return new SamException(ExitCode.FAILURE, "cannot " + doing + " " + path + ": " + why,
                full ? "the disk holding " + dir + " is full: free some space, then run again"
                        : "check free space and permissions of " + dir, e);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** What the user should do next; may be null. */
    public String hint() {
        return hint;
    }
}
