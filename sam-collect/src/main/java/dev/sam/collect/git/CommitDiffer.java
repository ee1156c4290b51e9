package dev.sam.collect.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffConfig;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.diff.RenameDetector;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Computes what a commit changed against its first parent: the changed files (renames detected), and
 * for text source files the line edits (histogram diff, as {@code git diff --histogram}). Refuses early,
 * before loading content, when a blob is too large to be a reviewable change. One per thread.
 *
 * <pre>try (CommitDiffer d = new CommitDiffer(repo)) { CommitDiffer.Diff diff = d.diff(commit); }</pre>
 */
final class CommitDiffer implements AutoCloseable {
    /** A text blob larger than this makes the commit a huge diff (a data dump, not a change to learn from). */
    static final long MAX_BLOB_BYTES = 1 << 20;
    private static final DiffAlgorithm HISTOGRAM = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM);

    private final ObjectReader reader;
    private final DiffConfig diffConfig;

    /** The changes, or {@code huge} when a blob was too large to load. */
    record Diff(List<FileChange> files, boolean huge) {
    }

    CommitDiffer(Repository repo) {
        this.reader = repo.newObjectReader();
        this.diffConfig = repo.getConfig().get(DiffConfig.KEY);
    }

    /**
     * The diff of c against its first parent (c must be parsed, and its parent's tree reachable); {@code huge}
     * as soon as the text files' changed lines pass {@code maxChangedLines} (the rest is not diffed: such a
     * commit is rejected anyway, and these are the costliest commits of a history).
     */
    Diff diff(RevCommit c, RevCommit parent, int maxChangedLines) throws IOException {
        List<DiffEntry> entries;
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            if (parent == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(parent.getTree());
            }
            tw.addTree(c.getTree());
            entries = DiffEntry.scan(tw);
        }
        if (hasAddsAndDeletes(entries)) {
            RenameDetector rd = new RenameDetector(reader, diffConfig);
            rd.setRenameLimit(200);
            rd.addAll(entries);
            try {
                entries = rd.compute(reader, NullProgressMonitor.INSTANCE);
            } catch (org.eclipse.jgit.api.errors.CanceledException e) {
                throw new IOException("rename detection was cancelled", e);
            }
        }
        List<FileChange> files = new ArrayList<>(entries.size());
        int changed = 0;
        for (DiffEntry e : entries) {
            FileChange f = change(e);
            if (f == null) {
                return new Diff(files, true);
            }
            files.add(f);
            changed += f.hasText() ? f.changed() : 0;
            if (changed > maxChangedLines) {
                return new Diff(files, true);
            }
        }
        return new Diff(files, false);
    }

    /** null when a side is too large to diff. */
    private FileChange change(DiffEntry e) throws IOException {
        char type = switch (e.getChangeType()) {
            case ADD -> 'A';
            case DELETE -> 'D';
            case RENAME -> 'R';
            case COPY -> 'C';
            default -> 'M';
        };
        String path = type == 'D' ? e.getOldPath() : e.getNewPath();
        PathKind kind = PathKind.of(path);
        if (kind != PathKind.SOURCE || e.getOldMode().getObjectType() == Constants.OBJ_COMMIT
                || e.getNewMode().getObjectType() == Constants.OBJ_COMMIT) {
            return new FileChange(type, e.getOldPath(), e.getNewPath(), kind == PathKind.SOURCE ? PathKind.BINARY : kind,
                    0, 0, null, null, null);
        }
        byte[] a = load(e.getOldId());
        byte[] b = load(e.getNewId());
        if (a == null || b == null) {
            return null;
        }
        if (a.length > 0 && RawText.isBinary(a) || b.length > 0 && RawText.isBinary(b)) {
            return new FileChange(type, e.getOldPath(), e.getNewPath(), PathKind.BINARY, 0, 0, null, null, null);
        }
        if (PathKind.generatedContent(b.length > 0 ? b : a)) {
            return new FileChange(type, e.getOldPath(), e.getNewPath(), PathKind.GENERATED, 0, 0, null, null, null);
        }
        RawText ra = new RawText(a);
        RawText rb = new RawText(b);
        EditList edits = HISTOGRAM.diff(RawTextComparator.DEFAULT, ra, rb);
        int added = 0;
        int removed = 0;
        for (Edit ed : edits) {
            added += ed.getLengthB();
            removed += ed.getLengthA();
        }
        return new FileChange(type, e.getOldPath(), e.getNewPath(), PathKind.SOURCE, added, removed, ra, rb, edits);
    }

    /** The blob's bytes; empty for a missing side; null when too large (unless it is binary: then a stub). */
    private byte[] load(AbbreviatedObjectId id) throws IOException {
        if (id == null || id.toObjectId().equals(org.eclipse.jgit.lib.ObjectId.zeroId())) {
            return new byte[0];
        }
        ObjectLoader l = reader.open(id.toObjectId(), Constants.OBJ_BLOB);
        if (l.getSize() <= MAX_BLOB_BYTES) {
            return l.getCachedBytes();
        }
        try (InputStream in = l.openStream()) {
            byte[] head = in.readNBytes(8000);
            // A large binary blob is just a binary file; a large text blob is a huge diff.
            return RawText.isBinary(head, head.length, false) ? new byte[] {0} : null;
        }
    }

    private static boolean hasAddsAndDeletes(List<DiffEntry> entries) {
        boolean add = false;
        boolean del = false;
        for (DiffEntry e : entries) {
            add |= e.getChangeType() == DiffEntry.ChangeType.ADD;
            del |= e.getChangeType() == DiffEntry.ChangeType.DELETE;
        }
        return add && del;
    }

    @Override
    public void close() {
        reader.close();
    }
}
