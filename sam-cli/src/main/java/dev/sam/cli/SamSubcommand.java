package dev.sam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every verb: parse (picocli), call one service, print its result, return an exit code.
 * Errors are thrown as SamException and turned into messages and codes by {@link ErrorHandler}.
 */
public abstract class SamSubcommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** The shared context of this invocation. */
    protected CliContext ctx() {
        CliContext c = ((SamCommand) spec.root().userObject()).context();
        CommandSpec verb = spec;
        while (verb.parent() != null && verb.parent().parent() != null) {
            verb = verb.parent();
        }
        c.verb(verb.name());
        return c;
    }
}
