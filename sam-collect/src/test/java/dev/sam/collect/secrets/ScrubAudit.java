package dev.sam.collect.secrets;

import dev.sam.collect.SamplePipeline;
import dev.sam.collect.code.CodeSource;
import dev.sam.collect.docs.DocsSource;
import dev.sam.collect.git.CommitSource;
import dev.sam.collect.git.GitRepos;
import dev.sam.collect.quality.SecretRules;
import dev.sam.collect.quality.SecretScrubber;
import dev.sam.collect.store.DataStore;
import dev.sam.core.config.SamConfig;
import dev.sam.core.home.SamHome;
import dev.sam.core.progress.ProgressListener;
import dev.sam.core.sample.SampleValidator;
import dev.sam.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jgit.lib.Repository;

/**
 * Precision of the secret rules on a real repository: collects commits, code and docs of the repository
 * into a throw-away home with an auditing scrubber and prints every value a rule replaced (kind, value,
 * line), distinct values first, for a person to judge which were secrets. Not a test: run by hand,
 * {@code java -cp … dev.sam.collect.secrets.ScrubAudit /path/to/repo [out.tsv]}.
 */
public final class ScrubAudit {
    private ScrubAudit() {
    }

    public static void main(String[] args) throws Exception {
        Path repoPath = Path.of(args[0]);
        ConcurrentLinkedQueue<SecretScrubber.Finding> findings = new ConcurrentLinkedQueue<>();
        Path tmp = Files.createTempDirectory("sam-scrub-audit");
        SamHome home = SamHome.of(tmp.resolve("home")).ensureLayout();
        SamConfig config = SamConfig.defaults();
        try (Database db = Database.open(home.database());
             Repository repo = GitRepos.open(repoPath, "repo", true)) {
            DataStore store = DataStore.open(home, db, config.collect().nearDuplicateThreshold(), false);
            SamplePipeline p = new SamplePipeline(store, new SampleValidator(config.collect().minQuality()),
                    new SecretScrubber(SecretRules.ALL, findings::add));
            List<Repository> repos = List.of(repo);
            new CommitSource(repos, null, config.collect().maxDiffLines(), null).collect(p, ProgressListener.NONE);
            new CodeSource(repos, db, config.collect().fimRate()).collect(p, ProgressListener.NONE);
            new DocsSource(repos, List.of(), db).collect(p, ProgressListener.NONE);
            p.checkpoint();
        }
        Map<String, Map<String, String>> byKind = new TreeMap<>();
        Map<String, Integer> hits = new TreeMap<>();
        for (SecretScrubber.Finding f : findings) {
            byKind.computeIfAbsent(f.kind(), k -> new TreeMap<>()).putIfAbsent(f.value(), f.line().strip());
            hits.merge(f.kind(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        byKind.forEach((kind, values) -> {
            out.append("## ").append(kind).append(": ").append(values.size()).append(" distinct values, ")
                    .append(hits.get(kind)).append(" replacements\n");
            values.forEach((v, line) -> out.append(kind).append('\t').append(v).append('\t')
                    .append(line.length() > 200 ? line.substring(0, 200) : line).append('\n'));
        });
        System.out.print(out);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), out);
        }
    }
}
