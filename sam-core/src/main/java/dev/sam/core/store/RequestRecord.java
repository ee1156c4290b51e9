package dev.sam.core.store;

/**
 * One row of the {@code request_metrics} table ({@link RequestMetricsRepository}).
 *
 * @param version  the version that served the request, "base", or "api" for requests no model served
 * @param endpoint route name, e.g. "chat.completions", "api.self"
 * @param rssBytes resident memory of the server process when the request ended; null when unknown
 * @param tokens   generated tokens; null for requests that generate nothing
 * @param service  how a generation's time was spent; null for requests that generated nothing
 */
public record RequestRecord(long timeMs, String version, String endpoint, boolean ok, double latencyMs, Long rssBytes,
                            Long tokens, Service service) {

    public RequestRecord(long timeMs, String version, String endpoint, boolean ok, double latencyMs, Long rssBytes,
                         Long tokens) {
        this(timeMs, version, endpoint, ok, latencyMs, rssBytes, tokens, null);
    }

    /**
     * One generation's service: {@code promptTokens} in the prompt, {@code queueMs} from the request's arrival to
     * the generation's start (reading the request, waiting for a generation slot: not the version's doing), {@code ttftMs} from getting the slot to the first text (null when
     * none came), {@code decodeMs} from the first text to the end of the generation, {@code inFlight} generations running when it got its slot (itself included), and
     * {@code promptHash} (hex of the prompt's SHA-256, shortened) telling repeated prompts apart.
     */
    public record Service(int promptTokens, double queueMs, Double ttftMs, Double decodeMs, int inFlight,
                          String promptHash) {
    }
}
