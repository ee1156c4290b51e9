package dev.sam.train.infer;

import java.util.List;

/**
 * One generated answer and what it cost. {@code finishReason} is "stop" (an end token such as
 * {@code <|im_end|>} came) or "length" (the token budget ran out), as in OpenAI's chat API.
 *
 * @param tokenIds  the generated ids, end token excluded
 * @param prefillMs time to read the prompt (fill the KV cache); {@code decodeMs} the rest
 */
public record Completion(String text, List<Integer> tokenIds, int promptTokens, int completionTokens,
                         String finishReason, double prefillMs, double decodeMs) {

    public Completion {
        tokenIds = List.copyOf(tokenIds);
    }

    /** Generated tokens per second of decoding (0 when nothing was generated). */
    public double tokensPerSecond() {
        return completionTokens == 0 || decodeMs <= 0 ? 0 : completionTokens / (decodeMs / 1000.0);
    }

    public double totalMs() {
        return prefillMs + decodeMs;
    }
}
