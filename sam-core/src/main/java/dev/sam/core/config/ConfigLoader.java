package dev.sam.core.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code SAM_HOME/config.yaml} over the defaults of {@link SamConfig#defaults()}: the file is
 * optional, may set any subset of keys, and a key SAM does not know is an error naming that key
 * (a typo must never be silently ignored). A new profile under {@code training.profiles} starts from
 * the {@code 8gb} profile's values.
 *
 * <pre>SamConfig config = ConfigLoader.load(home.configFile());</pre>
 */
public final class ConfigLoader {
    /**
     * A config file is a few hundred short lines; anything near these bounds is a mistake (a pasted
     * blob, a binary file). Checked before parsing, in one linear pass, because the YAML scanner is not
     * linear in a line's length (a 16 MB line took 97 s on every command).
     */
    static final int MAX_FILE_CHARS = 1 << 20;
    static final int MAX_LINE_CHARS = 16 * 1024;

    private static final ObjectMapper YAML = YAMLMapper.builder()
            // a second `training:` (or any repeated key) must not silently replace the first
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private ConfigLoader() {
    }

    public static SamConfig load(Path file) {
        String text;
        try {
            if (Files.size(file) > 4L * MAX_FILE_CHARS) {
                throw fail(file, "is " + Files.size(file) + " bytes; a config file is at most " + MAX_FILE_CHARS
                        + " characters", "keep only the keys you change (docs/user-guide.md lists them)");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return SamConfig.defaults();
        } catch (IOException e) {
            throw new SamException(ExitCode.FAILURE, "config " + file + " cannot be read: " + e.getMessage(),
                    "check its permissions");
        }
        return parse(text, file);
    }

    /** Parses YAML text (file is only used in messages). */
    public static SamConfig parse(String text, Path file) {
        checkSize(text, file);
        JsonNode user;
        try {
            user = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                throw fail(file, "sets key '" + e.getOriginalMessage().replaceAll("^Duplicate field '(.*)'$", "$1")
                        + "' twice" + location(e) + "; the second would silently replace the first",
                        "merge the two blocks into one");
            }
            throw fail(file, "is not valid YAML: " + e.getOriginalMessage()
                    + location(e), "fix the syntax or move the file aside to use the defaults");
        }
        ObjectNode merged = YAML.valueToTree(SamConfig.defaults());
        if (user != null && !user.isMissingNode() && !user.isNull()) {
            if (!user.isObject()) {
                throw fail(file, "must be a mapping of keys (training:, rollback:, models:, collect:, serve:, cycle:, eval:)", null);
            }
            merge(merged, (ObjectNode) user, "");
        }
        SamConfig config;
        try {
            config = YAML.treeToValue(merged, SamConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw fail(file, "unknown key '" + path(e) + "'",
                    "known keys here: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw fail(file, "bad value for '" + path(e) + "': " + e.getOriginalMessage(), null);
        } catch (JsonProcessingException e) {
            throw fail(file, e.getOriginalMessage(), null);
        }
        var problems = config.problems();
        if (!problems.isEmpty()) {
            throw fail(file, "has invalid values: " + String.join("; ", problems), null);
        }
        return config;
    }

    /** The bounds above, with the line that breaks them; one pass over the text. */
    private static void checkSize(String text, Path file) {
        if (text.length() > MAX_FILE_CHARS) {
            throw fail(file, "has " + text.length() + " characters; a config file is at most " + MAX_FILE_CHARS,
                    "keep only the keys you change (docs/user-guide.md lists them)");
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    throw fail(file, "line " + line + " has " + (i - start) + " characters; a config line is at most "
                            + MAX_LINE_CHARS, "split long lists into one item per line");
                }
                line++;
                start = i + 1;
            }
        }
    }

    private static void merge(ObjectNode target, ObjectNode source, String path) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            JsonNode existing = target.get(key);
            if (path.equals("training.profiles") && existing == null && value.isObject()) {
                existing = target.get("8gb").deepCopy();
                target.set(key, existing);
            }
            if (existing != null && existing.isObject() && value.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value, path.isEmpty() ? key : path + "." + key);
            } else {
                target.set(key, value);
            }
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** A mistake in the file is the user's input being wrong: exit 2, like a bad flag. */
    private static SamException fail(Path file, String what, String hint) {
        return new SamException(ExitCode.USAGE, "config " + file + " " + what, hint);
    }
}
