package dev.sam.collect.code;

/**
 * Brace matching over source lines that ignores braces in strings, character literals and comments
 * ({@code "…"}, {@code '…'}, {@code `…`}, {@code // …}, {@code /* … *}{@code /}, Rust raw strings are
 * treated as plain strings). Rust lifetimes ({@code 'a}) are not character literals.
 */
final class Braces {
    private Braces() {
    }

    /**
     * {open line, close line} of the body whose declaration starts at line {@code from}; null when a
     * {@code ;} ends the declaration first (no body), or it does not close within {@code maxLines}.
     */
    static int[] body(String[] lines, int from, Language lang, int maxLines) {
        int depth = 0;
        int open = -1;
        boolean blockComment = false;
        for (int li = from; li < lines.length && li < from + maxLines; li++) {
            String s = lines[li];
            char quote = 0;
            for (int c = 0; c < s.length(); c++) {
                char ch = s.charAt(c);
                char next = c + 1 < s.length() ? s.charAt(c + 1) : 0;
                if (blockComment) {
                    if (ch == '*' && next == '/') {
                        blockComment = false;
                        c++;
                    }
                } else if (quote != 0) {
                    if (ch == '\\') {
                        c++;
                    } else if (ch == quote) {
                        quote = 0;
                    }
                } else if (ch == '/' && next == '/') {
                    break;
                } else if (ch == '/' && next == '*') {
                    blockComment = true;
                    c++;
                } else if (ch == '"' || ch == '`') {
                    quote = ch;
                } else if (ch == '\'') {
                    c = charLiteralEnd(s, c, lang);
                } else if (ch == '{') {
                    if (open < 0) {
                        open = li;
                    }
                    depth++;
                } else if (ch == '}') {
                    depth--;
                    if (open >= 0 && depth == 0) {
                        return new int[] {open, li};
                    }
                } else if (ch == ';' && open < 0 && depth == 0) {
                    return null;
                }
            }
            if (quote == '"') {
                quote = 0; // an unclosed "…" at the end of a line: a text block or a parse miss, not a string
            }
        }
        return null;
    }

    /** Index of the closing quote of a char literal at c, or c itself when it is not one (a lifetime). */
    private static int charLiteralEnd(String s, int c, Language lang) {
        if (lang == Language.JAVASCRIPT || lang == Language.TYPESCRIPT || lang == Language.PYTHON) {
            int end = c + 1;
            while (end < s.length() && s.charAt(end) != '\'') {
                end += s.charAt(end) == '\\' ? 2 : 1;
            }
            return Math.min(end, s.length() - 1);
        }
        if (c + 2 < s.length() && s.charAt(c + 1) == '\\') {
            int close = s.indexOf('\'', c + 2);
            return close > 0 && close - c <= 12 ? close : c;
        }
        if (c + 2 < s.length() && s.charAt(c + 2) == '\'') {
            return c + 2;
        }
        return c;
    }
}
