package dev.sam.core.store;

import java.util.Map;

/** An entry of the event log: deployments, rollbacks, canary changes, run starts and ends. */
public record Event(long id, String time, String kind, String version, String runId, String message,
                    Map<String, Object> data) {
}
