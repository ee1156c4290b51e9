package dev.sam.train.infer;

import dev.sam.core.SamException;

/**
 * How to sample a completion: at most {@code maxTokens} new tokens; {@code temperature} 0 is greedy
 * (deterministic), above 0 samples from softmax(logits / T) restricted to the smallest set of tokens
 * whose probability reaches {@code topP}; {@code seed} makes sampling reproducible.
 *
 * <pre>GenerationOptions o = GenerationOptions.greedy(128);</pre>
 */
public record GenerationOptions(int maxTokens, double temperature, double topP, long seed) {

    public GenerationOptions {
        if (maxTokens < 1 || maxTokens > 32768) {
            throw SamException.usage("max tokens must be 1..32768, got " + maxTokens, "e.g. --max-tokens 256");
        }
        if (!(temperature >= 0) || temperature > 10) {
            throw SamException.usage("temperature must be in [0, 10], got " + temperature,
                    "0 is greedy (deterministic); 0.7 is a common sampling choice");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw SamException.usage("top-p must be in (0, 1], got " + topP, "1 disables nucleus filtering");
        }
    }

    public static GenerationOptions greedy(int maxTokens) {
        return new GenerationOptions(maxTokens, 0, 1, 0);
    }
}
