package dev.sam.train.data;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The kind of a sample within its source, for the data report and the training mix: code samples are
 * {@code test} or {@code main} by their file's path (test directories and the test-file naming of
 * JUnit, Go, pytest, Jest), commit samples {@code commit}, doc samples {@code doc}; other sources use
 * {@code meta.task} when present. A slice is {@code source/kind} with the source's name as
 * {@code sam collect --source} spells it, e.g. {@code code/test}.
 *
 * <pre>String kind = SampleKind.of("code", meta); // "test"</pre>
 */
public final class SampleKind {
    private static final Pattern TEST_DIR = Pattern.compile("(?i)(^|/)(test|tests|__tests__|spec|specs|testing"
            + "|src/test|androidTest|testFixtures|it)/");
    private static final Pattern TEST_FILE = Pattern.compile("(?i)(^|/)(test_[^/]*\\.py|[^/]*_test\\.(py|go|rb|rs|cc|cpp|c)"
            + "|[^/]*(Test|Tests|IT|Spec)\\.(java|kt|scala|groovy|cs|swift)|[^/]*\\.(test|spec)\\.[jt]sx?)$");

    /** training_data directories of sam collect's sources → the source names users type (sam collect --source). */
    private static final Map<String, String> NAMES = Map.of("commits", "commits", "code_patterns", "code",
            "knowledge", "docs", "distillation", "distill", "routing", "routing");

    private SampleKind() {
    }

    /** The source name of a training_data directory ("knowledge" → "docs"); other directories as they are. */
    public static String sourceName(String dir) {
        return dir == null ? "" : NAMES.getOrDefault(dir, dir);
    }

    /** @param source a training_data directory or a source name */
    public static String of(String source, Map<String, Object> meta) {
        String s = sourceName(source).toLowerCase(Locale.ROOT);
        switch (s) {
            case "code":
                Object path = meta == null ? null : meta.get("path");
                return path != null && isTest(path.toString()) ? "test" : "main";
            case "commits":
                return "commit";
            case "docs":
                return "doc";
            default:
                Object task = meta == null ? null : meta.get("task");
                return task instanceof String t && t.matches("[a-z]+") ? t : "sample";
        }
    }

    /** True for a path of test code. */
    public static boolean isTest(String path) {
        String p = path.replace('\\', '/');
        return TEST_DIR.matcher(p).find() || TEST_FILE.matcher(p).find();
    }
}
