package dev.sam.collect.distill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one document of {@code sam distill capture|import} in whichever of three shapes it has, detected
 * per document: an OpenAI chat transcript {@code {"messages":[{"role","content"}…]}}, a ShareGPT one
 * {@code {"conversations":[{"from","value"}…]}}, or SAM's capture {@code {"prompt","answer",…}}
 * ({@link DistillParser}). A transcript becomes one capture per user→assistant exchange; a user turn
 * that corrects the previous answer ({@link #CORRECTION}) turns the exchange it corrects into a
 * correction capture — the original question, the wrong answer, the user's words as the explanation,
 * and the assistant's next answer as the corrected one — which the distill source stores as a
 * correction sample and a corrected-over-wrong DPO pair. System and tool turns give context only.
 *
 * <pre>TranscriptReader.Result r = TranscriptReader.read(line); // r.format(): "openai", "sharegpt" or "capture"</pre>
 */
public final class TranscriptReader {
    public static final String OPENAI = "openai";
    public static final String SHAREGPT = "sharegpt";
    public static final String CAPTURE = "capture";

    /**
     * How a user turn that says the previous answer was wrong begins: "no", "wrong", "that's not right",
     * "actually", "this doesn't work", "it does not compile", "fix …" and the like. A heuristic on the
     * turn's opening words; a correction phrased otherwise stays two plain exchanges.
     */
    static final Pattern CORRECTION = Pattern.compile("^\\W*(no\\b|nope\\b|wrong\\b|incorrect\\b|not quite\\b"
            + "|actually\\b|correction\\b|fix\\b|that'?s (wrong|incorrect|not)|that is (wrong|incorrect|not)"
            + "|this is (wrong|incorrect|not)|you('re| are) wrong|(that|this|it) (doesn'?t|does not|didn'?t|did not"
            + "|won'?t|will not) (work|compile|run)|(that|this) (is a|has a) bug)", Pattern.CASE_INSENSITIVE);

    private static final Map<String, String> SHAREGPT_ROLES = Map.of("human", "user", "user", "user", "gpt",
            "assistant", "assistant", "assistant", "chatgpt", "assistant", "system", "system", "tool", "tool",
            "function_call", "tool", "observation", "tool");

    private TranscriptReader() {
    }

    /** The captures of a document and its format, or why it is invalid (then format may be null). */
    public record Result(String format, List<DistillCapture> captures, String error) {
    }

    private record Turn(String role, String content) {
    }

    public static Result read(String json) {
        if (json == null || json.isBlank()) {
            return new Result(null, List.of(), DistillParser.parse(json).error());
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return new Result(null, List.of(), DistillParser.parse(json).error());
        }
        if (n != null && n.isObject() && n.has("messages")) {
            return transcript(OPENAI, n, "messages", "role", "content");
        }
        if (n != null && n.isObject() && n.has("conversations")) {
            return transcript(SHAREGPT, n, "conversations", "from", "value");
        }
        DistillParser.Result r = DistillParser.parse(json);
        return r.error() != null ? new Result(CAPTURE, List.of(), r.error())
                : new Result(CAPTURE, List.of(r.capture()), null);
    }

    private static Result transcript(String format, JsonNode n, String key, String roleKey, String textKey) {
        JsonNode list = n.get(key);
        if (!list.isArray() || list.isEmpty()) {
            return new Result(format, List.of(), "\"" + key + "\" must be a non-empty list");
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String where = key + "[" + i + "]";
            String role = t.path(roleKey).asText("").toLowerCase(Locale.ROOT);
            if (format.equals(SHAREGPT)) {
                role = SHAREGPT_ROLES.getOrDefault(role, "");
            } else if (role.equals("developer")) {
                role = "system";
            }
            if (!List.of("system", "user", "assistant", "tool").contains(role)) {
                return new Result(format, List.of(), where + "." + roleKey + " '" + t.path(roleKey).asText("")
                        + "' is not one of " + (format.equals(SHAREGPT) ? SHAREGPT_ROLES.keySet()
                        : "system, developer, user, assistant, tool"));
            }
            String text = content(t.path(textKey));
            if (text == null) {
                if (role.equals("assistant") && t.path(textKey).isNull()) {
                    continue; // a tool-call turn without text
                }
                return new Result(format, List.of(), where + "." + textKey + " must be a string (or a list of text parts)");
            }
            turns.add(new Turn(role, text));
        }
        List<DistillCapture> out = exchanges(turns, n.path("model").asText(null),
                n.hasNonNull("session_id") ? n.get("session_id").asText() : n.path("id").asText(null));
        return out.isEmpty() ? new Result(format, List.of(), "no user turn answered by the assistant")
                : new Result(format, out, null);
    }

    private static List<DistillCapture> exchanges(List<Turn> turns, String model, String session) {
        List<DistillCapture> out = new ArrayList<>();
        String user = null;
        for (Turn t : turns) {
            if (t.role().equals("user")) {
                user = t.content();
            } else if (t.role().equals("assistant") && user != null && !user.isBlank() && !t.content().isBlank()) {
                DistillCapture prev = out.isEmpty() ? null : out.get(out.size() - 1);
                if (prev != null && CORRECTION.matcher(user).find()) {
                    out.set(out.size() - 1, new DistillCapture(prev.prompt(), null, t.content(),
                            new DistillCapture.Correction(prev.answer(), user), null, null, null, session, model));
                } else {
                    out.add(new DistillCapture(user, null, t.content(), null, null, null, null, session, model));
                }
                user = null;
            }
        }
        return out;
    }

    private static String content(JsonNode c) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.path("text").isTextual()) {
                    return null;
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        return null;
    }
}
