package dev.sam.deploy;

import java.util.List;

/** A rollback that happened: from the version that was active to the one that is now. */
public record RollbackResult(String from, String to, String reason, boolean automatic, List<String> notes) {

    public RollbackResult {
        notes = List.copyOf(notes);
    }
}
