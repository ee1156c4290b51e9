package dev.sam.collect.git;

import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;

/**
 * One changed file of a commit. For text files of kind SOURCE, the two sides and their edits (for the
 * rendered hunks); for the rest only what changed.
 *
 * @param type A, M, D, R (renamed) or C (copied)
 */
record FileChange(char type, String oldPath, String newPath, PathKind kind, int added, int removed,
                  RawText a, RawText b, EditList edits) {

    String path() {
        return type == 'D' ? oldPath : newPath;
    }

    boolean hasText() {
        return edits != null;
    }

    int changed() {
        return added + removed;
    }
}
