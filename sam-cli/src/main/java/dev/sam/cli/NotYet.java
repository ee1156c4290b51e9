package dev.sam.cli;

import dev.sam.core.SamException;

/** For verbs whose module is not built yet: say so plainly, never pretend to work. */
public final class NotYet {
    private NotYet() {
    }

    public static SamException command(String verb, int issue) {
        return SamException.failure("sam " + verb + " is not implemented yet (issue #" + issue + ")",
                "see README.md for what works in this build");
    }
}
