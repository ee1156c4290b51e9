package dev.sam.core.model;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;

/** A status change that the lifecycle does not allow (e.g. a completed run back to training). */
public final class IllegalTransitionException extends SamException {
    private static final long serialVersionUID = 1L;

    IllegalTransitionException(String what, Object from, Object to, Object allowed) {
        super(ExitCode.NOT_READY, what + " cannot go from " + from + " to " + to + " (allowed: " + allowed + ")",
                null);
    }
}
