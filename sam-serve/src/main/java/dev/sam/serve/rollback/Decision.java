package dev.sam.serve.rollback;

import java.util.Map;

/**
 * An automatic decision of the monitor.
 *
 * @param action  "canary_abort" or "rollback"
 * @param outcome what happened, e.g. "rolled back to v1.0.0", "canary aborted", or "failed: <why>"
 * @param ok      false when the operation could not be done (e.g. no earlier version to roll back to)
 */
public record Decision(String time, String version, String role, String action, String reason, String outcome,
                       boolean ok, Map<String, Object> numbers) {
}
