package dev.sam.collect.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.quality.SampleText;
import dev.sam.core.json.Json;
import dev.sam.core.model.ChatMessage;
import dev.sam.core.model.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * What a line of a training-data file holds, read leniently: SAM's own samples, Alpaca or chat lines
 * written by the original Python pipeline or by hand (no id or quality), or DPO pairs in the dpo/ file.
 */
public final class Records {
    /** Files under this directory of training_data hold DPO pairs, not samples. */
    public static final String DPO_DIR = "dpo";
    /** The DPO pairs file, relative to training_data (see SamHome#preferencePairs). */
    public static final String PAIRS_FILE = DPO_DIR + "/preference_pairs.jsonl";

    private Records() {
    }

    /** True for a file (relative to training_data) of preference pairs. */
    public static boolean isPairFile(String rel) {
        return rel.startsWith(DPO_DIR + "/");
    }

    /** The dedup text of a line, or null when the line is not a usable record of that file's kind. */
    public static SampleText text(String rel, String json) {
        JsonNode n = tree(json);
        if (n == null) {
            return null;
        }
        if (isPairFile(rel)) {
            String p = str(n, "prompt");
            String c = str(n, "chosen");
            String r = str(n, "rejected");
            return p == null || c == null || r == null ? null : SampleText.ofPair(p, c, r);
        }
        Sample s = sample(n);
        return s == null ? null : SampleText.of(s);
    }

    /** The sample on a line, or null when it is neither Alpaca (instruction + output) nor chat (messages). */
    public static Sample sample(String json) {
        JsonNode n = tree(json);
        return n == null ? null : sample(n);
    }

    private static Sample sample(JsonNode n) {
        JsonNode msgs = n.get("messages");
        if (msgs != null && msgs.isArray() && msgs.size() > 0) {
            List<ChatMessage> l = new ArrayList<>();
            for (JsonNode m : msgs) {
                String role = str(m, "role");
                String content = str(m, "content");
                if (role == null || content == null) {
                    return null;
                }
                l.add(new ChatMessage(role, content));
            }
            return new Sample(str(n, "id"), str(n, "source"), dbl(n, "quality"), str(n, "created_at"), null, null,
                    null, l, null);
        }
        String instruction = str(n, "instruction");
        String output = str(n, "output");
        if (instruction == null || output == null || output.isBlank()) {
            return null;
        }
        String input = str(n, "input");
        return new Sample(str(n, "id"), str(n, "source"), dbl(n, "quality"), str(n, "created_at"), instruction,
                input == null ? "" : input, output, null, null);
    }

    private static JsonNode tree(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String str(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static Double dbl(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }
}
