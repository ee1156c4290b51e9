package dev.sam.serve.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.serve.http.ApiError;

/**
 * The OpenAI request fields SAM does not support, refused with a 400 that names the field rather than
 * silently ignored (a client relying on them would get answers it did not ask for): {@code tools} /
 * {@code functions} (no tool calling), a {@code response_format} other than text (no constrained
 * decoding, so JSON output cannot be guaranteed), {@code logprobs}, more than one choice ({@code n},
 * {@code best_of}), and {@code echo}. Absent, null, false, 0 or empty values are the defaults and pass.
 */
final class OpenAiLimits {
    private OpenAiLimits() {
    }

    static void check(JsonNode body) {
        for (String f : new String[] {"tools", "functions"}) {
            JsonNode t = body.path(f);
            if (!absent(t) && !(t.isArray() && t.isEmpty())) {
                throw ApiError.badParam(f, "unsupported_parameter", "'" + f + "' is not supported: SAM's model"
                        + " does not call tools; send the request without it");
            }
        }
        JsonNode rf = body.path("response_format");
        if (!absent(rf) && !"text".equals(rf.path("type").asText())) {
            throw ApiError.badParam("response_format", "unsupported_parameter", "response_format "
                    + rf + " is not supported: SAM cannot guarantee JSON output (no constrained decoding);"
                    + " ask for JSON in the prompt and parse the text instead, or send {\"type\":\"text\"}");
        }
        JsonNode lp = body.path("logprobs");
        if (!absent(lp) && !(lp.isBoolean() && !lp.asBoolean()) && !(lp.isIntegralNumber() && lp.asInt() == 0)) {
            throw ApiError.badParam("logprobs", "unsupported_parameter", "'logprobs' is not supported by SAM");
        }
        for (String f : new String[] {"n", "best_of"}) {
            JsonNode n = body.path(f);
            if (!absent(n) && n.asInt(-1) != 1) {
                throw ApiError.badParam(f, "unsupported_parameter", "'" + f + "' must be 1 (SAM generates one"
                        + " choice per request), got " + n);
            }
        }
        JsonNode echo = body.path("echo");
        if (!absent(echo) && !(echo.isBoolean() && !echo.asBoolean())) {
            throw ApiError.badParam("echo", "unsupported_parameter", "'echo' is not supported (it must be false)");
        }
    }

    private static boolean absent(JsonNode n) {
        return n.isMissingNode() || n.isNull();
    }
}
