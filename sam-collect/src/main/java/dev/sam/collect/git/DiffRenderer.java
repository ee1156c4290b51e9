package dev.sam.collect.git;

import java.util.List;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;

/**
 * The compact diff summary a commit sample shows the model: a file list with line counts, then unified
 * hunks with one line of context, each file cut at {@link #MAX_FILE_LINES} lines and the whole at
 * {@link #MAX_CHARS} characters (the 8gb profile trains on 512 tokens; the message must still fit after
 * the diff). What was left out is said, never silently dropped.
 */
final class DiffRenderer {
    static final int MAX_CHARS = 3500;
    static final int MAX_FILE_LINES = 40;
    static final int MAX_LINE_CHARS = 160;
    private static final int CONTEXT = 1;

    private DiffRenderer() {
    }

    static String render(List<FileChange> files, java.util.function.UnaryOperator<String> scrubLong) {
        StringBuilder sb = new StringBuilder();
        int added = 0;
        int removed = 0;
        for (FileChange f : files) {
            added += f.added();
            removed += f.removed();
        }
        sb.append(files.size()).append(files.size() == 1 ? " file" : " files").append(" changed, +").append(added)
                .append(" -").append(removed).append('\n');
        for (FileChange f : files) {
            sb.append(f.type()).append(' ');
            sb.append(f.type() == 'R' || f.type() == 'C' ? f.oldPath() + " -> " + f.newPath() : f.path());
            if (f.hasText()) {
                sb.append("  +").append(f.added()).append(" -").append(f.removed());
            } else {
                sb.append("  (").append(f.kind().name().toLowerCase(java.util.Locale.ROOT)).append(')');
            }
            sb.append('\n');
        }
        int shown = 0;
        int withText = 0;
        for (FileChange f : files) {
            if (!f.hasText() || f.edits().isEmpty()) {
                continue;
            }
            withText++;
            String hunks = hunks(f, scrubLong);
            if (sb.length() + hunks.length() > MAX_CHARS) {
                int room = MAX_CHARS - sb.length() - 40;
                if (room > 200) {
                    sb.append('\n').append(cutAtLine(hunks, room)).append("[... diff of this file cut here]\n");
                    shown++;
                }
                break;
            }
            sb.append('\n').append(hunks);
            shown++;
        }
        if (shown < withText) {
            sb.append("[... diff of ").append(withText - shown).append(" more file(s) not shown]\n");
        }
        return sb.toString().stripTrailing();
    }

    private static String hunks(FileChange f, java.util.function.UnaryOperator<String> scrubLong) {
        StringBuilder sb = new StringBuilder("--- ").append(f.path()).append('\n');
        EditList edits = f.edits();
        RawText a = f.a();
        RawText b = f.b();
        int lines = 0;
        int changedShown = 0;
        for (int i = 0; i < edits.size() && lines < MAX_FILE_LINES; ) {
            int j = i;
            while (j + 1 < edits.size() && edits.get(j + 1).getBeginA() - edits.get(j).getEndA() <= 2 * CONTEXT) {
                j++;
            }
            int aStart = Math.max(0, edits.get(i).getBeginA() - CONTEXT);
            int aEnd = Math.min(a.size(), edits.get(j).getEndA() + CONTEXT);
            int bStart = Math.max(0, edits.get(i).getBeginB() - CONTEXT);
            int bEnd = Math.min(b.size(), edits.get(j).getEndB() + CONTEXT);
            sb.append("@@ -").append(aStart + 1).append(',').append(aEnd - aStart).append(" +").append(bStart + 1)
                    .append(',').append(bEnd - bStart).append(" @@\n");
            int ai = aStart;
            for (int k = i; k <= j && lines < MAX_FILE_LINES; k++) {
                Edit e = edits.get(k);
                for (; ai < e.getBeginA() && lines < MAX_FILE_LINES; ai++, lines++) {
                    line(sb, ' ', a, ai, scrubLong);
                }
                for (int x = e.getBeginA(); x < e.getEndA() && lines < MAX_FILE_LINES; x++, lines++, changedShown++) {
                    line(sb, '-', a, x, scrubLong);
                }
                for (int x = e.getBeginB(); x < e.getEndB() && lines < MAX_FILE_LINES; x++, lines++, changedShown++) {
                    line(sb, '+', b, x, scrubLong);
                }
                ai = e.getEndA();
            }
            for (; ai < aEnd && lines < MAX_FILE_LINES; ai++, lines++) {
                line(sb, ' ', a, ai, scrubLong);
            }
            i = j + 1;
        }
        if (changedShown < f.changed()) {
            sb.append("[... ").append(f.changed() - changedShown).append(" more changed line(s) in this file]\n");
        }
        return sb.toString();
    }

    /**
     * A long line is scrubbed whole before it is cut (so a secret past the cut is still found and remembered
     * for the rest of the sample and run), and cut before a word that would be split: half a key is a leak
     * no rule recognises.
     */
    private static void line(StringBuilder sb, char prefix, RawText t, int i, java.util.function.UnaryOperator<String> scrubLong) {
        String s = t.getString(i);
        if (s.length() > MAX_LINE_CHARS) {
            s = scrubLong.apply(s);
        }
        if (s.length() > MAX_LINE_CHARS) {
            int cut = MAX_LINE_CHARS;
            while (cut > 0 && !Character.isWhitespace(s.charAt(cut - 1)) && ";,\"'`()[]{}<>".indexOf(s.charAt(cut - 1)) < 0
                    && !Character.isWhitespace(s.charAt(cut))) {
                cut--;
            }
            s = s.substring(0, cut) + " [...]";
        }
        sb.append(prefix).append(s).append('\n');
    }

    private static String cutAtLine(String s, int max) {
        int cut = s.lastIndexOf('\n', Math.min(max, s.length() - 1));
        return cut <= 0 ? s.substring(0, Math.min(max, s.length())) + "\n" : s.substring(0, cut + 1);
    }
}
