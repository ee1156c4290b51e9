package dev.sam.quickstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which git repository the quickstart collects from: the one enclosing the directory the user ran it in
 * (with at least one commit), and how much of it. The quickstart keeps a user's repository from drowning
 * the tiny model and the time budget: only the newest {@value #MAX_COMMITS} commits (via collect's
 * {@code since}) and the top-level README are read; {@code sam collect --repo DIR} reads everything.
 *
 * <p>The history walk itself is sam-collect's ({@link dev.sam.collect.git.GitHistory}).
 *
 * <pre>Optional&lt;Path&gt; readme = RepositoryChoice.readme(top);</pre>
 */
final class RepositoryChoice {
    static final int MAX_COMMITS = 100;
    private static final List<String> READMES = List.of("README.md", "Readme.md", "readme.md", "README.markdown");

    private RepositoryChoice() {
    }

    /** The top-level README of the work tree, if any. */
    static Optional<Path> readme(Path top) {
        return READMES.stream().map(top::resolve).filter(Files::isRegularFile).findFirst();
    }
}
