package dev.sam.cli;

import dev.sam.core.json.Json;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * All terminal output of a command: results on stdout (human text, or JSON with --json), warnings,
 * progress and errors on stderr, so that `sam ... --json | jq` always gets clean JSON.
 */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    /** Prints a command's result: {@code data} as JSON with --json, else {@code human}. */
    public void result(Object data, Consumer<PrintWriter> human) {
        if (json) {
            out.println(ConsoleText.jsonFor(Json.pretty(data), ConsoleText.charset()));
        } else {
            human.accept(out);
        }
        out.flush();
    }

    /** One line for humans on stdout; suppressed with --json (the JSON result says it all). */
    public void line(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    public void warn(String message) {
        err.println("warning: " + message);
        err.flush();
    }

    /** Progress and notes that are not the result: stderr. */
    public void note(String message) {
        err.println(message);
        err.flush();
    }

    public PrintWriter stdout() {
        return out;
    }

    public PrintWriter stderr() {
        return err;
    }

    public boolean json() {
        return json;
    }

    /** A progress bar on stderr (redrawn in place on a terminal, a line per update otherwise). */
    public TerminalProgress progress() {
        return new TerminalProgress(err, System.console() != null && !json);
    }
}
