package dev.sam.cli.collect;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for these verbs. The root's standard help options are not inherited by subcommands
 * in this build (`sam status --help` is a usage error), so each verb here declares its own.
 */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
