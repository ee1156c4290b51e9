package dev.sam.quickstart;

/**
 * One request the quickstart sent through {@code sam serve}: which phase (canary split, after promote,
 * after rollback), the task asked, the handler the routing log names for it, the version that answered
 * (the {@code X-SAM-Version} header), its answer, and the HTTP status and time.
 */
public record Answer(String phase, String task, String expected, String version, String answer, boolean streamed,
                     int status, long millis) {

    /** True when the answer is the routing log's handler for the task. */
    public boolean correct() {
        return expected != null && expected.equals(answer == null ? null : answer.strip());
    }
}
