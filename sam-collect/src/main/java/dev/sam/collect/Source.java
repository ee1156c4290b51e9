package dev.sam.collect;

import dev.sam.core.SamException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The five data sources: the name users type ({@code --source code}), the directory under
 * {@code training_data/} and the JSONL file name the original pipeline used (original-spec "Training Data").
 */
public enum Source {
    COMMITS("commits", "commits", "commit_messages.jsonl"),
    CODE("code", "code_patterns", "code_analysis.jsonl"),
    DOCS("docs", "knowledge", "project_docs.jsonl"),
    DISTILL("distill", "distillation", "distilled_samples.jsonl"),
    ROUTING("routing", "routing", "task_routing.jsonl");

    private final String cliName;
    private final String dir;
    private final String fileName;

    Source(String cliName, String dir, String fileName) {
        this.cliName = cliName;
        this.dir = dir;
        this.fileName = fileName;
    }

    /** The name on the command line: commits, code, docs, distill, routing. */
    public String cliName() {
        return cliName;
    }

    /** The directory under training_data/ and the key in the manifest: commits, code_patterns, … */
    public String dir() {
        return dir;
    }

    /** The file this source appends to, relative to training_data/. */
    public String file() {
        return dir + "/" + fileName;
    }

    /** By command-line name or directory name; a usage error listing the names otherwise. */
    public static Source parse(String name) {
        for (Source s : values()) {
            if (s.cliName.equalsIgnoreCase(name) || s.dir.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw SamException.usage("unknown source '" + name + "'", "use one of "
                + Arrays.stream(values()).map(Source::cliName).collect(Collectors.joining(", ")) + " or all");
    }

    /** The source whose directory is {@code dir}, or null. */
    public static Source ofDir(String dir) {
        for (Source s : values()) {
            if (s.dir.equals(dir)) {
                return s;
            }
        }
        return null;
    }
}
