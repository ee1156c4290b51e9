package dev.sam.serve.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.model.Fim;
import dev.sam.serve.http.ApiError;

/**
 * An OpenAI (legacy) completions request (https://platform.openai.com/docs/api-reference/completions/create),
 * as code-completion plugins send it: {@code prompt} (a string, or a list holding one string) and, for
 * fill-in-the-middle, {@code suffix}; the sampling fields ({@link Sampling}; max_tokens defaults to 16 as
 * in OpenAI's API), stream, stream_options.include_usage, model. Unsupported fields are refused
 * ({@link OpenAiLimits}). With a non-empty suffix the model continues the {@link Fim#psm} prompt, so its
 * answer is the middle between prompt and suffix.
 *
 * <pre>CompletionRequest r = CompletionRequest.parse(call.jsonBody(), 512);</pre>
 */
public record CompletionRequest(String model, String prompt, String suffix, Sampling sampling, boolean stream,
                                boolean includeUsage) {
    /** OpenAI's default max_tokens for completions. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    public static CompletionRequest parse(JsonNode body, int maxTokensLimit) {
        OpenAiLimits.check(body);
        JsonNode p = body.path("prompt");
        if (p.isArray() && p.size() == 1) {
            p = p.get(0);
        }
        if (!p.isTextual()) {
            throw ApiError.badParam("prompt", null, "'prompt' must be a string (or a list of one string); token"
                    + " lists and batches are not supported, got " + abbreviate(body.path("prompt")));
        }
        JsonNode s = body.path("suffix");
        if (!s.isMissingNode() && !s.isNull() && !s.isTextual()) {
            throw ApiError.badParam("suffix", null, "'suffix' must be a string, got " + abbreviate(s));
        }
        int limit = body.hasNonNull("max_tokens") ? maxTokensLimit : Math.min(DEFAULT_MAX_TOKENS, maxTokensLimit);
        Sampling sp = Sampling.parse(body, limit, ChatRequest.DEFAULT_TEMPERATURE, ChatRequest.DEFAULT_TOP_P);
        return new CompletionRequest(body.path("model").asText(null), p.asText(), s.isTextual() ? s.asText() : null,
                sp, Sampling.flag(body, "stream", false), Sampling.flag(body.path("stream_options"), "include_usage",
                false));
    }

    /** True when the request asks to fill in the middle (a non-empty suffix). */
    public boolean fim() {
        return suffix != null && !suffix.isEmpty();
    }

    /** What the model continues: the FIM prompt, or the prompt itself. */
    public String rendered() {
        return fim() ? Fim.psm(prompt, suffix) : prompt;
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
