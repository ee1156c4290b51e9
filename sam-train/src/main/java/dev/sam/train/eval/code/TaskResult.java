package dev.sam.train.eval.code;

/** How one answer fared: passed, or why not (first lines of the failure). */
public record TaskResult(String id, String language, boolean passed, String detail) {
}
