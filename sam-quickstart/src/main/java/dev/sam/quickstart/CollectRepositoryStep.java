package dev.sam.quickstart;

import dev.sam.collect.CollectReport;
import dev.sam.collect.CollectRequest;
import dev.sam.collect.CollectService;
import dev.sam.collect.Source;
import dev.sam.collect.SourceReport;
import dev.sam.collect.git.GitHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Step 3 ({@code sam collect}): commits and README of the git repository the quickstart was started in —
 * or of a sample repository it makes when it was not started inside one. Bounded as
 * {@link RepositoryChoice} says; incremental, so a second quickstart adds only new commits.
 */
final class CollectRepositoryStep implements Step {
    @Override
    public String name() {
        return "collect commits and README from git";
    }

    @Override
    public String remedy() {
        return "check that `git log` works in the repository (or run the quickstart outside any repository to use "
                + "a sample one)";
    }

    @Override
    public Outcome run(QuickstartContext ctx) throws Exception {
        Optional<Path> enclosing = GitHistory.enclosing(ctx.request.workDir());
        ctx.repo = enclosing.isPresent() ? enclosing.get() : SampleRepo.ensure(ctx.request.dir().resolve("sample-repo"));
        ctx.repoOrigin = enclosing.isPresent() ? "the repository of the current directory"
                : "a sample repository (the current directory is not in a git repository with commits)";
        String since = GitHistory.sinceForNewest(ctx.repo, RepositoryChoice.MAX_COMMITS);
        CollectService collect = new CollectService(ctx.home, ctx.config, ctx.db);
        CollectReport commits = collect.collect(new CollectRequest(Set.of(Source.COMMITS), List.of(ctx.repo), null,
                null, since, false), ctx.listener);
        Optional<Path> readme = RepositoryChoice.readme(ctx.repo);
        CollectReport docs = readme.isEmpty() ? null : collect.collect(new CollectRequest(Set.of(Source.DOCS),
                List.of(), List.of(readme.get()), null, null, false), ctx.listener);
        List<String> notes = new ArrayList<>(commits.warnings());
        if (since != null) {
            notes.add("only the newest " + RepositoryChoice.MAX_COMMITS + " commits were read (since " + since
                    + "); `sam collect --repo " + ctx.repo + "` reads the whole history, code and docs");
        }
        if (docs == null) {
            notes.add("the repository has no README.md at its top: no docs collected");
        } else {
            notes.addAll(docs.warnings());
        }
        SourceReport c = commits.sources().get(0);
        SourceReport d = docs == null ? null : docs.sources().get(0);
        ctx.artefact("collected repository", ctx.repo);
        ctx.artefact("training data", ctx.home.trainingData());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("repository", ctx.repo.toString());
        details.put("origin", ctx.repoOrigin);
        details.put("since", since);
        details.put("commits", c);
        details.put("readme", d);
        details.put("total_samples", (docs == null ? commits : docs).totalSamples());
        return new Outcome(ctx.repo.getFileName() + " (" + (enclosing.isPresent() ? "current repository" : "sample "
                + "repository") + "): " + c.scanned() + " commits -> " + c.added() + " samples" + rejected(c)
                + (d == null ? "" : "; README -> " + d.added() + " samples") + " (total "
                + details.get("total_samples") + ")", details, notes);
    }

    static String rejected(SourceReport s) {
        return s.rejected() == 0 ? "" : " (" + s.rejected() + " rejected: " + String.join(", ", s.rejects().entrySet()
                .stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ")";
    }
}
