package dev.sam.cli;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.json.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place where failures become terminal output and exit codes: a SamException prints its
 * message and hint (never a stack trace); a bug prints one line and leaves the trace in the log.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    ErrorHandler(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        Throwable t = ex;
        while (!(t instanceof SamException) && t.getCause() != null && t != t.getCause()) {
            t = t.getCause();
        }
        if (t instanceof SamException se) {
            LoggerFactory.getLogger(ErrorHandler.class).info("{}: {}", cmd.getCommandName(), se.getMessage(), se);
            report(se.exitCode(), se.getMessage(), se.hint());
            return se.exitCode().code();
        }
        LoggerFactory.getLogger(ErrorHandler.class).error("internal error in sam {}", cmd.getCommandName(), ex);
        report(ExitCode.INTERNAL, "internal error: " + ex, "this is a bug in SAM; the stack trace is in "
                + "SAM_HOME/logs/sam.log (run again with -v to see it here)");
        if (System.getenv(dev.sam.core.config.SamEnvironment.DEBUG.name()) != null) {
            ex.printStackTrace(err);
        }
        return ExitCode.INTERNAL.code();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String hint = "see '" + cmd.getCommandSpec().qualifiedName(" ") + " --help'";
        if (json) {
            report(ExitCode.USAGE, ex.getMessage(), hint);
        } else {
            err.println("error: " + ex.getMessage());
            UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("hint: " + hint);
            err.flush();
        }
        return ExitCode.USAGE.code();
    }

    private void report(ExitCode code, String message, String hint) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("success", false);
            m.put("error", message);
            if (hint != null) {
                m.put("hint", hint);
            }
            m.put("exit_code", code.code());
            out.println(Json.pretty(m));
            out.flush();
        } else {
            err.println("error: " + message);
            if (hint != null) {
                err.println("hint: " + hint);
            }
            err.flush();
        }
    }
}
