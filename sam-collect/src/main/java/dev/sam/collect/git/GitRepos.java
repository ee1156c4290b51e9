package dev.sam.collect.git;

import dev.sam.core.SamException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/** Opens the repositories given by the user, with messages that say what is wrong with a path. */
public final class GitRepos {
    private GitRepos() {
    }

    /**
     * The repository at {@code path} (a work tree or a bare repository). {@code origin} says where the
     * path came from ("--repo", "config.yaml collect.repos") for the message; from the command line a
     * bad path is a usage error (exit 2), from config.yaml a failure (exit 1).
     */
    public static Repository open(Path path, String origin, boolean fromCommandLine) {
        if (!Files.exists(path)) {
            throw bad(fromCommandLine, origin + " " + path + " does not exist", "check the path");
        }
        if (!Files.isDirectory(path)) {
            throw bad(fromCommandLine, origin + " " + path + " is a file, not a git repository",
                    "pass the directory that contains .git");
        }
        if (!Files.isReadable(path)) {
            throw SamException.failure(origin + " " + path + " is not readable", "check its permissions");
        }
        File gitDir = RepositoryCache.FileKey.resolve(path.toFile(), FS.DETECTED);
        if (gitDir == null) {
            Path enclosing = enclosingRepo(path);
            throw bad(fromCommandLine, origin + " " + path + " is not a git repository",
                    enclosing != null ? "it is inside the repository " + enclosing + "; pass that directory"
                            : "pass the top directory of a git work tree (the one with .git), or run `git init` there");
        }
        try {
            return new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw SamException.failure(origin + " " + path + " could not be opened as a git repository: "
                    + e.getMessage(), "check that `git -C " + path + " status` works");
        }
    }

    /** A readable name for the repository: its work tree's directory name. */
    public static String name(Repository repo) {
        File dir = repo.isBare() ? repo.getDirectory() : repo.getWorkTree();
        String n = dir.getName();
        return n.endsWith(".git") && n.length() > 4 ? n.substring(0, n.length() - 4) : n;
    }

    /** The key of the repository's cursors: the absolute path of its git directory. */
    public static String key(Repository repo) {
        return repo.getDirectory().toPath().toAbsolutePath().normalize().toString();
    }

    private static Path enclosingRepo(Path path) {
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (RepositoryCache.FileKey.resolve(p.toFile(), FS.DETECTED) != null) {
                return p;
            }
        }
        return null;
    }

    private static SamException bad(boolean usage, String message, String hint) {
        return usage ? SamException.usage(message, hint) : SamException.failure(message, hint);
    }
}
