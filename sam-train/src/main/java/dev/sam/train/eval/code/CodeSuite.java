package dev.sam.train.eval.code;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The programming tasks code answers are tested on: SAM's bundled suite (42 small tasks written for
 * SAM, 21 Python and 21 Java, each with a reference solution) or a JSONL file of the same form named by
 * {@code eval.code.suite}. One task per line: {@code {"id", "language": "python"|"java", "prompt",
 * "tests", "solution"?}}. A broken file is refused whole, with its line and what is wrong.
 *
 * <pre>List&lt;CodeTask&gt; tasks = CodeSuite.bundled().pick(20);</pre>
 */
public record CodeSuite(String name, List<CodeTask> tasks) {
    static final String BUNDLED = "tasks.jsonl";
    private static final Set<String> FIELDS = Set.of("id", "language", "prompt", "tests", "solution");

    public static CodeSuite bundled() {
        try (InputStream in = CodeSuite.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled code suite is missing from the SAM build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled suite");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The suite of {@code eval.code.suite}: a path, or null for the bundled one. */
    public static CodeSuite of(String configured) {
        return configured == null || configured.isBlank() ? bundled() : load(Path.of(configured));
    }

    public static CodeSuite load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw broken(file.toString(), "cannot be read (" + e.getMessage() + ")");
        }
    }

    static CodeSuite parse(String text, String name) {
        List<CodeTask> tasks = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = Json.mapper().readTree(lines[i]);
            } catch (IOException e) {
                throw broken(name, where + " is not valid JSON");
            }
            if (n == null || !n.isObject()) {
                throw broken(name, where + " is not a JSON object");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw broken(name, where + " has an unknown field '" + f + "' (known: id, language, prompt, tests,"
                            + " solution)");
                }
            }
            String id = text(n, "id", where, name);
            String lang = text(n, "language", where, name);
            if (!lang.equals(CodeTask.PYTHON) && !lang.equals(CodeTask.JAVA)) {
                throw broken(name, where + " (" + id + ") has language '" + lang + "', expected python or java");
            }
            if (!ids.add(id)) {
                throw broken(name, where + " repeats the task id '" + id + "'");
            }
            String solution = n.hasNonNull("solution") ? text(n, "solution", where, name) : null;
            tasks.add(new CodeTask(id, lang, text(n, "prompt", where, name), solution, text(n, "tests", where, name)));
        }
        if (tasks.isEmpty()) {
            throw broken(name, "has no tasks");
        }
        return new CodeSuite(name, List.copyOf(tasks));
    }

    /** At most {@code max} tasks, taken from the languages in turn so that a cap keeps both. */
    public List<CodeTask> pick(int max) {
        Map<String, Deque<CodeTask>> byLang = new LinkedHashMap<>();
        tasks.forEach(t -> byLang.computeIfAbsent(t.language(), k -> new ArrayDeque<>()).add(t));
        List<CodeTask> out = new ArrayList<>();
        while (out.size() < Math.min(max, tasks.size())) {
            for (Deque<CodeTask> q : byLang.values()) {
                if (!q.isEmpty() && out.size() < max) {
                    out.add(q.poll());
                }
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field, String where, String name) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw broken(name, where + " needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }

    private static SamException broken(String name, String what) {
        return SamException.failure("code suite " + name + " " + what, "fix the file, or remove eval.code.suite from"
                + " config.yaml to use the bundled suite");
    }
}
