package dev.sam.quickstart;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Which git repository the quickstart collects from: the one enclosing the directory the user ran it in
 * (with at least one commit), and how much of it. The quickstart keeps a user's repository from drowning
 * the tiny model and the time budget: only the newest {@value #MAX_COMMITS} commits (via collect's
 * {@code since}) and the top-level README are read; {@code sam collect --repo DIR} reads everything.
 *
 * <pre>Optional&lt;Path&gt; top = RepositoryChoice.enclosing(Path.of(""));</pre>
 */
final class RepositoryChoice {
    static final int MAX_COMMITS = 100;
    private static final List<String> READMES = List.of("README.md", "Readme.md", "readme.md", "README.markdown");

    private RepositoryChoice() {
    }

    /** The top directory of the git work tree (or bare repository) containing {@code dir}, if it has a commit. */
    static Optional<Path> enclosing(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            File gitDir = RepositoryCache.FileKey.resolve(p.toFile(), FS.DETECTED);
            if (gitDir != null) {
                return hasCommit(gitDir) ? Optional.of(p) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean hasCommit(File gitDir) {
        try (Repository r = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build()) {
            return r.resolve("HEAD^{commit}") != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The commit time of the {@code n}-th newest commit reachable from HEAD, as collect's {@code since}
     * (ISO date-time with offset), or null when the history has at most {@code n} commits.
     */
    static String sinceForNewest(Path top, int n) throws IOException {
        File gitDir = RepositoryCache.FileKey.resolve(top.toFile(), FS.DETECTED);
        try (Repository r = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build();
             RevWalk walk = new RevWalk(r)) {
            ObjectId head = r.resolve("HEAD^{commit}");
            if (head == null) {
                return null; // no commit yet
            }
            walk.markStart(walk.parseCommit(head));
            walk.sort(org.eclipse.jgit.revwalk.RevSort.COMMIT_TIME_DESC);
            int seen = 0;
            for (RevCommit c : walk) {
                if (++seen == n) {
                    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(c.getCommitTime()), ZoneId.systemDefault())
                            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                }
            }
            return null;
        }
    }

    /** The top-level README of the work tree, if any. */
    static Optional<Path> readme(Path top) {
        return READMES.stream().map(top::resolve).filter(Files::isRegularFile).findFirst();
    }
}
