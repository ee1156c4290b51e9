package dev.sam.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Set;

/**
 * Lifecycle of a deployed adapter version. Exactly one version is active at a time; a canary serves
 * a share of traffic until it is promoted (→ active) or aborted (→ rolled_back). A version that a
 * new deployment replaces is retired; one that a rollback moves away from is rolled_back. Either may
 * be activated again by a rollback.
 */
public enum VersionStatus {
    ACTIVE, CANARY, ROLLED_BACK, RETIRED;

    /** The only place where legal version transitions are written down. */
    public Set<VersionStatus> next() {
        return switch (this) {
            case ACTIVE -> Set.of(RETIRED, ROLLED_BACK);
            case CANARY -> Set.of(ACTIVE, ROLLED_BACK);
            case RETIRED, ROLLED_BACK -> Set.of(ACTIVE);
        };
    }

    public boolean canBecome(VersionStatus to) {
        return next().contains(to);
    }

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static VersionStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
