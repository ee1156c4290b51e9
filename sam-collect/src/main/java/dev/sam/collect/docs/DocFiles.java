package dev.sam.collect.docs;

import dev.sam.collect.git.GitRepos;
import dev.sam.collect.git.PathKind;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;

/**
 * The markdown files the docs source reads: in each repository (at HEAD) its READMEs, {@code docs/}
 * and {@code doc/}, top-level guides and any SSOT ("single source of truth") file; under each doc root
 * every markdown file except in hidden, vendored or build directories.
 */
final class DocFiles {
    private static final Set<String> SKIPPED_NAMES = Set.of("changelog.md", "license.md", "code_of_conduct.md",
            "history.md", "authors.md", "notice.md");

    /** A markdown file: its index key, the path shown in samples, its project, and how to read it. */
    record DocFile(String key, String display, String project, Loader loader) {
    }

    /** Reads the bytes of a doc file. */
    @FunctionalInterface
    interface Loader {
        byte[] load() throws IOException;
    }

    private DocFiles() {
    }

    static List<DocFile> inRepo(Repository repo) throws IOException {
        List<DocFile> out = new ArrayList<>();
        ObjectId head = repo.resolve(Constants.HEAD);
        if (head == null) {
            return out;
        }
        String project = GitRepos.name(repo);
        try (RevWalk rw = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(rw.parseCommit(head).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                String path = tw.getPathString();
                if (tw.getFileMode(0) == FileMode.REGULAR_FILE && isRepoDoc(path)) {
                    ObjectId blob = tw.getObjectId(0);
                    out.add(new DocFile("git:" + GitRepos.key(repo) + ":" + path, path, project,
                            () -> repo.open(blob, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE)));
                }
            }
        }
        return out;
    }

    static boolean isRepoDoc(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        if (!isMarkdown(name) || SKIPPED_NAMES.contains(name) || PathKind.of(path) != PathKind.SOURCE) {
            return false;
        }
        return !lower.contains("/") || name.startsWith("readme") || lower.startsWith("docs/")
                || lower.startsWith("doc/") || lower.contains("ssot");
    }

    static List<DocFile> underRoot(Path root) throws IOException {
        List<DocFile> out = new ArrayList<>();
        String project = projectOf(root);
        Path base = Files.isDirectory(root) ? root : root.getParent();
        // links are followed (a docs folder is often linked in); loops are reported by visitFileFailed
        Files.walkFileTree(root, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), 32, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(root) && (n.startsWith(".") || PathKind.of(n + "/x") != PathKind.SOURCE);
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (attrs.isRegularFile() && (isMarkdown(name) || file.equals(root))) {
                    String display = base.relativize(file).toString().replace('\\', '/');
                    out.add(new DocFile(file.toAbsolutePath().normalize().toString(), display, project,
                            () -> Files.readAllBytes(file)));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof java.nio.file.FileSystemLoopException) {
                    return FileVisitResult.CONTINUE;
                }
                out.add(new DocFile(file.toAbsolutePath().toString(), file.toString(), project, () -> {
                    throw e;
                }));
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(java.util.Comparator.comparing(DocFile::key));
        return out;
    }

    /** The enclosing git work tree's name, else the directory's own name. */
    private static String projectOf(Path root) {
        Path dir = Files.isDirectory(root) ? root.toAbsolutePath() : root.toAbsolutePath().getParent();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (RepositoryCache.FileKey.isGitRepository(p.resolve(".git").toFile(), FS.DETECTED)) {
                return p.getFileName() == null ? "project" : p.getFileName().toString();
            }
        }
        return dir.getFileName() == null ? "project" : dir.getFileName().toString();
    }

    private static boolean isMarkdown(String name) {
        return name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".mdx");
    }
}
