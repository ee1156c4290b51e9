package dev.sam.serve.chat;

/**
 * The one place where sam serve's {@link ChatBackend} meets the inference engine: sam-train's
 * {@code ChatEngine} through {@link EngineChatBackend}, with at most two generations at once (each uses
 * every core already) and up to two minutes of waiting for one before a 503.
 */
public final class EngineBackends {
    static final int SLOTS = 2;
    static final long WAIT_MILLIS = 120_000;

    private EngineBackends() {
    }

    public static ChatBackend create() {
        return new EngineChatBackend(SLOTS, WAIT_MILLIS);
    }
}
