package dev.sam.core.sample;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.io.IOException;
import java.util.List;

/**
 * Reads one JSONL object as a sample, leniently, the same way for sam-collect (adopting and indexing
 * files) and sam-train (loading them): SAM's own lines and the original pipeline's (Alpaca
 * {@code instruction, input, output} or chat {@code messages}, id and quality optional) and mlx-lm's
 * {@code {"prompt", "completion"}} (as a user/assistant chat). The result has passed
 * {@link SampleValidator#shape}.
 *
 * <pre>SampleReader.Read r = SampleReader.read(node); if (r != null &amp;&amp; r.ok()) use(r.sample());</pre>
 */
public final class SampleReader {
    private SampleReader() {
    }

    /** A sample, or why the line is none. */
    public record Read(Sample sample, SampleProblem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** True when the object has a sample's keys (otherwise it may be a text record or a preference pair). */
    public static boolean isSample(JsonNode n) {
        return n.has("messages") || n.has("instruction") || n.has("output")
                || n.has("prompt") && n.has("completion") && !n.has("chosen");
    }

    /** The sample on an object with a sample's keys ({@link #isSample}); null for any other object. */
    public static Read read(JsonNode n) {
        if (n.has("messages") || n.has("instruction") || n.has("output")) {
            Sample s;
            try {
                s = Json.mapper().treeToValue(n, Sample.class);
            } catch (IOException | IllegalArgumentException e) {
                return invalid("invalid sample: " + e.getMessage().lines().findFirst().orElse(""));
            }
            return checked(s);
        }
        if (n.has("prompt") && n.has("completion")) {
            if (!n.get("prompt").isTextual() || !n.get("completion").isTextual()) {
                return invalid("prompt and completion must be strings");
            }
            List<ChatMessage> m = List.of(new ChatMessage("user", n.get("prompt").asText()),
                    new ChatMessage("assistant", n.get("completion").asText()));
            Double quality = n.path("quality").isNumber() ? n.get("quality").asDouble() : null;
            String origin = n.path("origin").isTextual() ? n.get("origin").asText() : null;
            return checked(new Sample(n.path("id").asText(null), n.path("source").asText(null), quality,
                    null, null, null, null, m, null, origin));
        }
        return null;
    }

    private static Read checked(Sample s) {
        SampleProblem p = SampleValidator.shape(s);
        return p == null ? new Read(s, null) : new Read(null, p);
    }

    private static Read invalid(String message) {
        return new Read(null, SampleProblem.of(SampleProblem.INVALID, "invalid sample", message));
    }
}
