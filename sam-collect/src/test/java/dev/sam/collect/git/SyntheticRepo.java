package dev.sam.collect.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * A repository with many realistic small commits, written with JGit's object inserter (the porcelain
 * would take minutes for 10,000 commits): 10 packages of 20 Java files, each commit editing one or two
 * files by a few lines, with descriptive messages.
 */
final class SyntheticRepo {
    private static final int DIRS = 10;
    private static final int FILES = 20;
    private static final String[] VERBS = {"Fix", "Add", "Handle", "Refactor", "Speed up", "Document", "Validate",
            "Simplify", "Cache", "Log"};
    private static final String[] NOUNS = {"the order total", "empty carts", "currency rounding", "the retry loop",
            "user lookups", "invoice numbers", "the price parser", "shipping rules", "coupon codes", "tax rates"};

    private SyntheticRepo() {
    }

    static Path build(Path dir, int commits, long seed) throws IOException, GitAPIException {
        Random r = new Random(seed);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Repository repo = git.getRepository();
            List<List<List<String>>> files = new ArrayList<>();
            for (int d = 0; d < DIRS; d++) {
                List<List<String>> dirFiles = new ArrayList<>();
                for (int f = 0; f < FILES; f++) {
                    List<String> lines = new ArrayList<>();
                    lines.add("package shop.p" + d + ";");
                    lines.add("");
                    lines.add("public class C" + f + " {");
                    for (int m = 0; m < 30; m++) {
                        lines.add("    int m" + m + "(int x) { return x * " + m + " + " + f + "; }");
                    }
                    lines.add("}");
                    dirFiles.add(lines);
                }
                files.add(dirFiles);
            }
            ObjectId[] dirTrees = new ObjectId[DIRS];
            ObjectId parent = null;
            try (ObjectInserter ins = repo.newObjectInserter()) {
                for (int d = 0; d < DIRS; d++) {
                    dirTrees[d] = dirTree(ins, files.get(d));
                }
                for (int c = 0; c < commits; c++) {
                    int edits = 1 + r.nextInt(2);
                    for (int e = 0; e < edits; e++) {
                        int d = r.nextInt(DIRS);
                        List<String> lines = files.get(d).get(r.nextInt(FILES));
                        int at = 3 + r.nextInt(lines.size() - 4);
                        lines.set(at, "    int m" + at + "(int x) { return x * " + r.nextInt(1000) + " - " + c + "; }");
                        if (r.nextInt(4) == 0) {
                            lines.add(at, "    // commit " + c + ": keep " + NOUNS[r.nextInt(NOUNS.length)] + " stable");
                        }
                        dirTrees[d] = dirTree(ins, files.get(d));
                    }
                    TreeFormatter root = new TreeFormatter();
                    for (int d = 0; d < DIRS; d++) {
                        root.append("p" + d, FileMode.TREE, dirTrees[d]);
                    }
                    ObjectId tree = ins.insert(root);
                    CommitBuilder cb = new CommitBuilder();
                    cb.setTreeId(tree);
                    if (parent != null) {
                        cb.setParentId(parent);
                    }
                    PersonIdent who = new PersonIdent("Dev " + r.nextInt(5), "dev@example.com",
                            Instant.ofEpochSecond(1_600_000_000L + c * 600L), ZoneOffset.UTC);
                    cb.setAuthor(who);
                    cb.setCommitter(who);
                    cb.setMessage(VERBS[r.nextInt(VERBS.length)] + " " + NOUNS[r.nextInt(NOUNS.length)] + " in change "
                            + c + "\n\nThe previous behaviour broke case " + r.nextInt(10_000) + ".\n");
                    parent = ins.insert(cb);
                }
                ins.flush();
            }
            RefUpdate u = repo.updateRef(Constants.R_HEADS + "main");
            u.setNewObjectId(parent);
            u.setForceUpdate(true);
            u.update();
            git.gc().call();
        }
        return dir;
    }

    private static ObjectId dirTree(ObjectInserter ins, List<List<String>> dirFiles) throws IOException {
        TreeFormatter t = new TreeFormatter();
        for (int f = 0; f < dirFiles.size(); f++) {
            byte[] content = (String.join("\n", dirFiles.get(f)) + "\n").getBytes(StandardCharsets.UTF_8);
            t.append("C" + f + ".java", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, content));
        }
        return ins.insert(t);
    }
}
