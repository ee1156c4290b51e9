package dev.sam.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every subcommand accepts (declared once on the root, inherited by all). */
public final class GlobalOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the result as JSON on stdout (for scripts); errors too.")
    boolean json;

    @Option(names = "--sam-home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data home (default: $SAM_HOME, else ~/.sam).")
    Path samHome;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Also print debug logging on stderr (it always goes to SAM_HOME/logs/sam.log).")
    boolean verbose;
}
