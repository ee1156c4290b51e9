package dev.sam.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sam.core.SamException;
import dev.sam.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds keys under {@code training:} to {@code config.yaml} that the file does not set yet, keeping the
 * user's lines and comments: a missing file is created, a missing {@code training:} block appended, and
 * lines are inserted below an existing block-style {@code training:} line with its children's indent. A
 * flow-style block ({@code training: {...}}) is not rewritten (the caller tells the user what to add).
 * The result is checked by {@link ConfigLoader} before it replaces the file (atomically).
 *
 * <pre>List&lt;String&gt; set = ConfigEditor.addTrainingKeys(home.configFile(), Map.of("base_model", "tiny"));</pre>
 */
public final class ConfigEditor {
    private static final YAMLMapper RAW = new YAMLMapper();

    private ConfigEditor() {
    }

    /** The keys of {@code values} the file did not set and now sets ("training.base_model"); empty: unchanged. */
    public static List<String> addTrainingKeys(Path file, Map<String, String> values) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            throw SamException.io("read", file, e);
        }
        ConfigLoader.parse(text, file);
        JsonNode training;
        try {
            JsonNode root = RAW.readTree(text);
            training = root == null ? null : root.get("training");
        } catch (IOException e) {
            throw SamException.failure("config " + file + " cannot be read: " + e.getMessage(), null);
        }
        Map<String, String> missing = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (training == null || !training.has(k)) {
                missing.put(k, v);
            }
        });
        if (missing.isEmpty()) {
            return List.of();
        }
        String edited = insert(text, training != null, missing);
        if (edited == null) {
            return List.of();
        }
        ConfigLoader.parse(edited, file);
        try {
            AtomicFiles.writeString(file, edited);
        } catch (IOException e) {
            throw SamException.io("write", file, e);
        }
        List<String> out = new ArrayList<>();
        missing.keySet().forEach(k -> out.add("training." + k));
        return out;
    }

    /** The text with the keys added, or null when the existing block is not in block style. */
    private static String insert(String text, boolean hasBlock, Map<String, String> keys) {
        List<String> lines = new ArrayList<>(text.isEmpty() ? List.of() : List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (!hasBlock) {
            lines.add("training:");
            keys.forEach((k, v) -> lines.add("  " + k + ": \"" + v + "\""));
            return String.join("\n", lines) + "\n";
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("training:\\s*(#.*)?")) {
                String indent = "  ";
                for (int j = i + 1; j < lines.size(); j++) {
                    String l = lines.get(j);
                    if (!l.isBlank() && !l.stripLeading().startsWith("#")) {
                        int n = l.length() - l.stripLeading().length();
                        indent = n > 0 ? l.substring(0, n) : indent;
                        break;
                    }
                }
                int at = i + 1;
                for (Map.Entry<String, String> e : keys.entrySet()) {
                    lines.add(at++, indent + e.getKey() + ": \"" + e.getValue() + "\"");
                }
                return String.join("\n", lines) + "\n";
            }
        }
        return null;
    }
}
