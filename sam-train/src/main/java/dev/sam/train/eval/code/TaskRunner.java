package dev.sam.train.eval.code;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Runs answers of one language under its tests, in a fresh directory per task. */
interface TaskRunner {
    /** Why tasks of this language cannot run on this machine; empty when they can. */
    Optional<String> unavailable();

    TaskResult run(CodeTask task, String code, Path dir) throws IOException;

    /** Resource text (the harness files). */
    static String resource(String name) {
        try (var in = TaskRunner.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the SAM build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The failure in a few lines (the last ones of a Python traceback, the first ones of a Java one). */
    static String tail(Sandbox.Outcome o, CodeLimits limits, boolean lastLines) {
        if (o.timedOut()) {
            return "stopped after " + limits.timeout().toSeconds() + " s (time limit)";
        }
        String text = o.output().strip();
        String[] lines = text.split("\n");
        StringBuilder b = new StringBuilder("exit " + o.exitCode());
        int from = lastLines ? Math.max(0, lines.length - 3) : 0;
        for (int i = from; i < Math.min(lines.length, from + 3); i++) {
            if (!lines[i].isBlank()) {
                b.append(": ").append(lines[i].strip());
            }
        }
        return b.length() > 400 ? b.substring(0, 400) + "…" : b.toString();
    }
}
