package dev.sam.cli;

import java.io.PrintWriter;
import java.util.Map;

/** Entry point of {@code sam}. The only place in SAM that calls System.exit. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs one command line and returns its exit code (used by tests in-process). */
    public static int run(String[] args, Map<String, String> env) {
        java.nio.charset.Charset cs = ConsoleText.charset();
        PrintWriter out = ConsoleText.writer(System.out, cs);
        PrintWriter err = ConsoleText.writer(System.err, cs);
        return SamCommand.commandLine(env, out, err).execute(args);
    }
}
