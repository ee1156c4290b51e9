package dev.sam.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Set;

/**
 * Lifecycle of a training run: pending → training → completed | failed. A failed run (e.g.
 * interrupted) may go back to training when resumed; completed is final.
 */
public enum RunStatus {
    PENDING, TRAINING, COMPLETED, FAILED;

    /** The only place where legal run transitions are written down. */
    public Set<RunStatus> next() {
        return switch (this) {
            case PENDING -> Set.of(TRAINING, FAILED);
            case TRAINING -> Set.of(COMPLETED, FAILED);
            case FAILED -> Set.of(TRAINING);
            case COMPLETED -> Set.of();
        };
    }

    public boolean canBecome(RunStatus to) {
        return next().contains(to);
    }

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
