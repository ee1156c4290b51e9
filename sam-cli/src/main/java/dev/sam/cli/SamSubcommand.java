package dev.sam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every verb: parse (picocli), call one service, print its result, return an exit code.
 * Errors are thrown as SamException and turned into messages and codes by {@link ErrorHandler}.
 */
public abstract class SamSubcommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** Every verb explains itself: `sam <verb> --help` (the hint of every usage error points here). */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** The shared context of this invocation. */
    protected CliContext ctx() {
        return ((SamCommand) spec.root().userObject()).context();
    }
}
