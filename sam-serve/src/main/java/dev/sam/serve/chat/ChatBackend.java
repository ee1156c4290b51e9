package dev.sam.serve.chat;

import dev.sam.core.model.ChatMessage;
import java.nio.file.Path;
import java.util.List;

/**
 * What sam serve needs from an inference engine: generate one chat completion with a base model and
 * (optionally) a version's LoRA adapters, handing out the text as it is produced. Implementations
 * must be thread-safe (requests run in parallel). The HTTP layer uses it; {@link FaultInjectingBackend}
 * decorates it for tests; the real one is {@link EngineBackends#create}.
 *
 * <pre>Completion c = backend.generate(request, delta -> { out.append(delta); return true; });</pre>
 */
public interface ChatBackend extends AutoCloseable {

    /**
     * Generates the assistant's answer to {@code request.messages()}.
     *
     * @param sink receives each new piece of text in order; when it returns false generation stops at
     *             once (a stop sequence was seen) and the result's finish reason is "stop"
     * @throws Exception when the model or adapters cannot be loaded or generation fails; the message
     *                   goes to the client
     */
    Completion generate(Generation request, TextSink sink) throws Exception;

    /** One line for the logs and /api/self, e.g. "native (libsamtrain, openblas 2 threads)". */
    String describe();

    @Override
    default void close() {
    }

    /**
     * A generation request.
     *
     * @param version    name of the version that serves it (e.g. v1.0.3, or "base" without adapters)
     * @param baseModel  the base model directory (config.json, tokenizer.json, weights)
     * @param adapters   the version's adapters directory (adapters.safetensors + adapter_config.json),
     *                   null for the base model alone
     * @param rawPrompt  for a text completion: the prompt continued as it is, without the chat template
     *                   (then {@code messages} is empty); null for a chat
     * @param fim        the raw prompt is a fill-in-the-middle prompt ({@link dev.sam.core.model.Fim#psm}):
     *                   the model's tokenizer must know the FIM tokens
     * @param maxTokens  upper bound of generated tokens
     * @param temperature 0 = greedy
     * @param seed       sampling seed
     */
    record Generation(String version, Path baseModel, Path adapters, List<ChatMessage> messages, String rawPrompt,
                      boolean fim, int maxTokens, double temperature, double topP, long seed) {
        public Generation {
            messages = List.copyOf(messages);
        }

        /** A chat generation. */
        public Generation(String version, Path baseModel, Path adapters, List<ChatMessage> messages, int maxTokens,
                          double temperature, double topP, long seed) {
            this(version, baseModel, adapters, messages, null, false, maxTokens, temperature, topP, seed);
        }

        public boolean isChat() {
            return rawPrompt == null;
        }
    }

    /**
     * The outcome of a generation.
     *
     * @param text             everything generated (before stop sequences are cut off by the caller)
     * @param finishReason     "stop" (end-of-turn token or a stop sequence) or "length" (token budget used)
     */
    record Completion(String text, int promptTokens, int completionTokens, String finishReason) {
    }

    /** Receives generated text; false = stop generating. */
    @FunctionalInterface
    interface TextSink {
        boolean accept(String delta) throws java.io.IOException;

        /**
         * The generation got its slot and starts (tokenizing, prefill): the time before this was queueing,
         * which the auto-rollback policy does not hold against the version. A backend without slots need
         * not call it (then no queueing is assumed).
         */
        default void started() {
        }
    }
}
