package dev.sam.cli;

import dev.sam.cli.ab.AbCommand;
import dev.sam.cli.collect.CollectCommand;
import dev.sam.cli.collect.DataCommand;
import dev.sam.cli.collect.DistillCommand;
import dev.sam.cli.cycle.CycleCommand;
import dev.sam.cli.cycle.ScheduleCommand;
import dev.sam.cli.deploy.CanaryCommand;
import dev.sam.cli.deploy.CurrentCommand;
import dev.sam.cli.deploy.DeployCommand;
import dev.sam.cli.deploy.ListCommand;
import dev.sam.cli.deploy.PromoteCommand;
import dev.sam.cli.deploy.RollbackCommand;
import dev.sam.cli.deploy.StatsCommand;
import dev.sam.cli.deploy.VerifyCommand;
import dev.sam.cli.deploy.VersionsCommand;
import dev.sam.cli.serve.ServeCommand;
import dev.sam.cli.train.CompareCommand;
import dev.sam.cli.train.EvalCommand;
import dev.sam.cli.train.ExportCommand;
import dev.sam.cli.train.ForceCommand;
import dev.sam.cli.train.GenerateCommand;
import dev.sam.cli.train.ImportCommand;
import dev.sam.cli.train.ModelCommand;
import dev.sam.cli.train.ModelsCommand;
import dev.sam.cli.train.StatusCommand;
import dev.sam.cli.train.TrainCommand;
import dev.sam.core.config.SamEnvironment;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The root command: lists the verbs. Each verb is one small class that delegates to a module. */
@Command(name = "sam", scope = picocli.CommandLine.ScopeType.INHERIT,
        versionProvider = SamCommand.Version.class,
        description = {
                "SAM keeps a small local code model improving on your own work:",
                "collect -> train (LoRA) -> evaluate -> deploy -> serve -> monitor -> roll back.",
                ""},
        commandListHeading = "%nCommands:%n",
        subcommands = {
                StatusCommand.class, CollectCommand.class, DistillCommand.class, DataCommand.class,
                ModelsCommand.class, ModelCommand.class, TrainCommand.class, ForceCommand.class, EvalCommand.class,
                GenerateCommand.class, CompareCommand.class, ExportCommand.class, ImportCommand.class,
                DeployCommand.class, ListCommand.class, CurrentCommand.class, StatsCommand.class,
                RollbackCommand.class, CanaryCommand.class, AbCommand.class, PromoteCommand.class, VerifyCommand.class,
                VersionsCommand.class,
                CycleCommand.class, ScheduleCommand.class,
                ServeCommand.class, QuickstartCommand.class, CompletionCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  ok",
                "  1  failure (bad data, failed check, refused deployment, I/O error)",
                "  2  usage error (unknown option, bad value)",
                "  3  not ready (below the training threshold, another run holds the lock)",
                "  4  internal error (a bug; see SAM_HOME/logs/sam.log)",
                "130  interrupted (Ctrl-C / SIGTERM; a training run is checkpointed)",
                "",
                "Data home: $SAM_HOME or ~/.sam (override with --sam-home). Docs: docs/user-guide.md",
                "",
                "Environment (a flag wins over the environment, which wins over config.yaml):"})
public final class SamCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions options = new GlobalOptions();

    @Spec
    CommandSpec spec;

    /** Root only: `sam deploy --version vX.Y.Z` names a version, it does not print SAM's. */
    @picocli.CommandLine.Option(names = {"-V", "--version"}, versionHelp = true,
            description = "Print version information and exit.")
    boolean versionRequested;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private CliContext context;

    public SamCommand() {
        this(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    SamCommand(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** A ready-to-execute command line whose context is closed after execution. */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        SamCommand root = new SamCommand(env, out, err);
        CommandLine cl = new CommandLine(root);
        List<String> footer = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().footer()));
        footer.addAll(SamEnvironment.helpLines());
        cl.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        Map<String, CommandLine.IHelpSectionRenderer> sections = new java.util.LinkedHashMap<>(cl.getHelpSectionMap());
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new CommandSummaries());
        cl.setHelpSectionMap(sections);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                root.closeContext();
            }
        });
        cl.setExecutionExceptionHandler((ex, cmd, pr) ->
                new ErrorHandler(out, err, root.options.json).handleExecutionException(ex, cmd, pr));
        cl.setParameterExceptionHandler((ex, args) ->
                new ErrorHandler(out, err, java.util.Arrays.asList(args).contains("--json"))
                        .handleParseException(ex, args));
        return cl;
    }

    synchronized CliContext context() {
        if (context == null) {
            context = new CliContext(options, env, out, err);
        }
        return context;
    }

    private synchronized void closeContext() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** `sam` alone: the help, as a usage error (a script calling bare `sam` has a bug). */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return dev.sam.core.ExitCode.USAGE.code();
    }

    /** Version of the build (from the jar manifest). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SamCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sam " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch")};
        }
    }
}
