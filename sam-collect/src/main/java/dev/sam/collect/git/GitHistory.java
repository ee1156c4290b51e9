package dev.sam.collect.git;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Questions about a repository's history asked before collecting from it: which work tree encloses a
 * directory (and has a commit), and from when its newest N commits date, as collect's {@code since}.
 *
 * <pre>String since = GitHistory.sinceForNewest(top, 100);</pre>
 */
public final class GitHistory {
    private GitHistory() {
    }

    /** The top directory of the git work tree (or bare repository) containing {@code dir}, if it has a commit. */
    public static Optional<Path> enclosing(Path dir) {
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
    public static String sinceForNewest(Path top, int n) throws IOException {
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
}
