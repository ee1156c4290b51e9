package dev.sam.core.store;

/**
 * One row of the {@code request_metrics} table ({@link RequestMetricsRepository}).
 *
 * @param version  the version that served the request, "base", or "api" for requests no model served
 * @param endpoint route name, e.g. "chat.completions", "api.self"
 * @param rssBytes resident memory of the server process when the request ended; null when unknown
 * @param tokens   generated tokens; null for requests that generate nothing
 */
public record RequestRecord(long timeMs, String version, String endpoint, boolean ok, double latencyMs, Long rssBytes,
                            Long tokens) {
}
