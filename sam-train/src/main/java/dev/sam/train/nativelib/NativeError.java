package dev.sam.train.nativelib;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;

/**
 * A failure reported by libsamtrain: its status code, and its message split into what happened and
 * the "HINT:" part, which becomes the SamException hint.
 */
public final class NativeError extends SamException {
    private static final long serialVersionUID = 1L;

    /** Status codes of samtrain.h (enum sam_status). */
    public enum Status { OK, INVALID_ARG, IO, FORMAT, SHAPE, NUMERIC, NOMEM, BACKEND, STATE, UNKNOWN }

    private final Status status;

    private NativeError(Status status, String message, String hint) {
        super(ExitCode.FAILURE, message, hint);
        this.status = status;
    }

    static NativeError of(int rc, String nativeMessage, String doing) {
        Status s = rc >= 0 && rc < Status.values().length - 1 ? Status.values()[rc] : Status.UNKNOWN;
        String msg = nativeMessage == null || nativeMessage.isBlank() ? "error " + s : nativeMessage.trim();
        String hint = null;
        int h = msg.indexOf("HINT:");
        if (h >= 0) {
            hint = msg.substring(h + 5).trim();
            msg = msg.substring(0, h).trim();
            if (msg.endsWith(";") || msg.endsWith(".")) {
                msg = msg.substring(0, msg.length() - 1);
            }
        }
        return new NativeError(s, "could not " + doing + ": " + msg, hint);
    }

    public Status status() {
        return status;
    }
}
