package dev.sam.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeResult;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real git repository built with JGit for tests: files, commits with chosen authors and times, merges. */
public final class TestRepo implements AutoCloseable {
    private final Git git;
    private final Path dir;
    private long time = 1_700_000_000L;

    private TestRepo(Git git, Path dir) {
        this.git = git;
        this.dir = dir;
    }

    public static TestRepo init(Path dir) throws GitAPIException {
        return new TestRepo(Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call(), dir);
    }

    public Path dir() {
        return dir;
    }

    public Git git() {
        return git;
    }

    public TestRepo write(String path, String content) throws IOException {
        return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestRepo write(String path, byte[] content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return this;
    }

    public TestRepo delete(String path) throws IOException {
        Files.delete(dir.resolve(path));
        return this;
    }

    public RevCommit commit(String message) throws GitAPIException {
        return commit(message, "Alice Developer", "alice@example.com");
    }

    public RevCommit commit(String message, String name, String email) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = new PersonIdent(name, email, Instant.ofEpochSecond(time += 3600), ZoneOffset.UTC);
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).setAllowEmpty(true)
                .call();
    }

    public void branch(String name) throws GitAPIException {
        git.checkout().setCreateBranch(true).setName(name).call();
    }

    public void checkout(String name) throws GitAPIException {
        git.checkout().setName(name).call();
    }

    /** Merges {@code branch} into the current branch with a real merge commit. */
    public RevCommit merge(String branch) throws GitAPIException, IOException {
        MergeResult r = git.merge().include(git.getRepository().resolve(branch))
                .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF)
                .setMessage("Merge branch '" + branch + "'").call();
        if (!r.getMergeStatus().isSuccessful()) {
            throw new IllegalStateException("merge failed: " + r);
        }
        return git.getRepository().parseCommit(r.getNewHead());
    }

    @Override
    public void close() {
        git.close();
    }
}
