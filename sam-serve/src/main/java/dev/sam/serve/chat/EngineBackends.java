package dev.sam.serve.chat;

import dev.sam.core.home.SamHome;

/**
 * The one place where sam serve's {@link ChatBackend} meets the inference engine of sam-train.
 * <p>Until sam-train's {@code ChatEngine} (base model + adapters → tokenizer, Qwen chat template,
 * native KV-cache generation) is part of this build, there is no engine: chat completions answer
 * 503 saying so, and everything else (status, training, versions, metrics, auto-rollback) works.
 */
public final class EngineBackends {
    private EngineBackends() {
    }

    public static ChatBackend create(SamHome home) {
        return new ChatBackend() {
            @Override
            public Completion generate(Generation request, TextSink sink) throws BackendUnavailableException {
                throw new BackendUnavailableException("this build of SAM has no inference engine yet"
                        + " (sam-train's ChatEngine); /v1/chat/completions cannot generate", null);
            }

            @Override
            public String describe() {
                return "none (no inference engine in this build)";
            }
        };
    }
}
