package dev.sam.serve.http;

/** One endpoint: reads the call and answers it (or throws {@link ApiError}). */
@FunctionalInterface
public interface Handler {
    void handle(HttpCall call) throws Exception;
}
