package dev.sam.serve.chat;

/**
 * The server as a whole cannot generate (no inference engine, engine failed to load) — not the fault
 * of the version that was picked, so it is answered with 503 and not counted against that version.
 */
public class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
