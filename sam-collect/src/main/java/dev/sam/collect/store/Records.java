package dev.sam.collect.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.collect.quality.SampleText;
import dev.sam.core.json.Json;
import dev.sam.core.model.Sample;
import dev.sam.core.sample.SampleReader;

/**
 * What a line of a training-data file holds, read leniently: SAM's own samples, Alpaca or chat lines
 * written by the original Python pipeline or by hand (no id or quality), or DPO pairs in the dpo/ file.
 * A sample line counts as a record exactly when the trainer would load it ({@link SampleReader}).
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
        SampleReader.Read r = SampleReader.isSample(n) ? SampleReader.read(n) : null;
        return r != null && r.ok() ? r.sample() : null;
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
