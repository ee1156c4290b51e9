package dev.sam.collect.distill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.json.Json;

/**
 * Reads a capture document and says precisely what is wrong with a bad one ("missing "answer"",
 * "invalid JSON: … at column 17"), so that imports can report line by line and go on.
 *
 * <pre>DistillParser.Result r = DistillParser.parse(line); if (r.error() != null) ...</pre>
 */
public final class DistillParser {
    private DistillParser() {
    }

    /** The capture, or the reason it is invalid. */
    public record Result(DistillCapture capture, String error) {
    }

    public static Result parse(String json) {
        if (json == null) {
            return new Result(null, "not valid UTF-8");
        }
        if (json.isBlank()) {
            return new Result(null, "empty");
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
            return new Result(null, "invalid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " ") + where);
        }
        if (n == null || !n.isObject()) {
            return new Result(null, "not a JSON object");
        }
        try {
            String prompt = text(n, "prompt", true);
            String answer = text(n, "answer", true);
            DistillCapture.Correction correction = null;
            JsonNode c = n.get("correction");
            if (c != null && !c.isNull()) {
                if (!c.isObject()) {
                    throw new IllegalArgumentException("\"correction\" must be an object with \"wrong_answer\"");
                }
                correction = new DistillCapture.Correction(text(c, "wrong_answer", true), text(c, "explanation", false));
            }
            DistillCapture.Preference preference = null;
            JsonNode p = n.get("preference");
            if (p != null && !p.isNull()) {
                if (!p.isObject()) {
                    throw new IllegalArgumentException("\"preference\" must be an object with \"rejected\"");
                }
                String chosen = text(p, "chosen", false);
                preference = new DistillCapture.Preference(chosen == null ? answer : chosen, text(p, "rejected", true));
            }
            Double quality = null;
            JsonNode q = n.get("quality");
            if (q != null && !q.isNull()) {
                if (!q.isNumber() || q.asDouble() < 0 || q.asDouble() > 1) {
                    throw new IllegalArgumentException("\"quality\" must be a number from 0 to 1");
                }
                quality = q.asDouble();
            }
            return new Result(new DistillCapture(prompt, text(n, "reasoning", false), answer, correction, preference,
                    text(n, "domain", false), quality, text(n, "session_id", false), text(n, "model", false)), null);
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage());
        }
    }

    private static String text(JsonNode n, String key, boolean required) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing \"" + key + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("\"" + key + "\" must be a string");
        }
        if (required && v.asText().isBlank()) {
            throw new IllegalArgumentException("\"" + key + "\" is empty");
        }
        return v.asText();
    }
}
