package dev.sam.cli.collect;

import dev.sam.cli.SamSubcommand;
import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.CollectService;
import dev.sam.collect.Source;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sam collect}: run the data sources into SAM_HOME/training_data. */
@Command(name = "collect", sortOptions = false,
        description = {"Collect training data from git repositories (commits, code), markdown docs,",
                "distilled assistant sessions and task-routing logs into SAM_HOME/training_data.",
                "Secrets are scrubbed; samples are validated and deduplicated (exact and near)",
                "against everything collected before. Runs are incremental (a second run adds",
                "nothing) and safe to interrupt. Inputs default to collect.* in config.yaml.",
                "",
                "Examples:",
                "  sam collect --repo ~/code/app --docs ~/notes --since 2025-01-01",
                "  sam collect --source commits,code --repo . --dry-run --json",
                ""})
public final class CollectCommand extends SamSubcommand {
    @Option(names = {"-s", "--source"}, split = ",", paramLabel = "SOURCE",
            completionCandidates = SourceNames.class,
            description = "commits, code, docs, distill, routing or all (default: all; repeat or comma-separate).")
    List<String> sources = List.of();

    @Option(names = "--repo", arity = "1..*", paramLabel = "PATH",
            description = "Git repositories (top directory or bare repo); replaces collect.repos.")
    List<Path> repos;

    @Option(names = "--docs", arity = "1..*", paramLabel = "PATH",
            description = "Markdown files or directories; replaces collect.docs. Repositories' READMEs and docs/"
                    + " are read too.")
    List<Path> docs;

    @Option(names = "--routing-log", arity = "1..*", paramLabel = "FILE",
            description = "Task-routing logs, JSONL of {\"task\",\"route\",\"outcome\"}; replaces collect.routing_logs.")
    List<Path> routingLogs;

    @Option(names = "--since", paramLabel = "DATE",
            description = "Only commits from this date: 2025-01-31, 2025-01-31T14:00, or an age like 30d or 2w.")
    String since;

    @Option(names = "--dry-run", description = {"Do everything except write: show what would be added",
            "(a run interrupted earlier is still repaired first)."})
    boolean dryRun;

    @Override
    public Integer call() {
        var c = ctx();
        Set<Source> chosen = EnumSet.noneOf(Source.class);
        for (String s : sources) {
            if (!s.strip().equalsIgnoreCase("all")) {
                chosen.add(Source.parse(s.strip()));
            }
        }
        CollectReport r = new CollectService(c.home(), c.config(), c.db())
                .collect(new CollectRequest(chosen, repos, docs, routingLogs, since, dryRun), c.out().progress());
        r.warnings().forEach(w -> c.out().warn(w));
        c.out().result(r, out -> ReportPrinter.print(out, r));
        return 0;
    }

    /** Completion candidates of --source. */
    static final class SourceNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("commits", "code", "docs", "distill", "routing", "all").iterator();
        }
    }
}
