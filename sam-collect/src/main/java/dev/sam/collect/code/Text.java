package dev.sam.collect.code;

/** Line helpers for extracted code: join a line range, remove common indentation, collapse whitespace. */
final class Text {
    private Text() {
    }

    static String join(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to && i < lines.length; i++) {
            if (i > from) {
                sb.append('\n');
            }
            sb.append(stripCr(lines[i]));
        }
        return sb.toString();
    }

    /** Lines from..to (inclusive) with their common leading whitespace removed; tabs count as one. */
    static String dedent(String[] lines, int from, int to) {
        int common = Integer.MAX_VALUE;
        for (int i = from; i <= to && i < lines.length; i++) {
            String l = stripCr(lines[i]);
            if (l.isBlank()) {
                continue;
            }
            int n = 0;
            while (n < l.length() && (l.charAt(n) == ' ' || l.charAt(n) == '\t')) {
                n++;
            }
            common = Math.min(common, n);
        }
        if (common == Integer.MAX_VALUE) {
            common = 0;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to && i < lines.length; i++) {
            String l = stripCr(lines[i]);
            if (i > from) {
                sb.append('\n');
            }
            sb.append(l.isBlank() ? "" : l.substring(Math.min(common, l.length())).stripTrailing());
        }
        return sb.toString();
    }

    static String collapse(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
