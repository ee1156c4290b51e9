package dev.sam.collect.code;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Python functions, methods and classes with their docstrings (PEP 257: the first statement of
 * the body, a string literal). The body is every following line that is blank or indented deeper than
 * the {@code def}; decorators above belong to the code.
 *
 * <pre>List&lt;CodeSymbol&gt; symbols = PythonExtractor.extract(source);</pre>
 */
final class PythonExtractor {
    private static final Pattern DEF = Pattern.compile("^(\\s*)(async\\s+def|def|class)\\s+(\\w+)");
    private static final Pattern DOC_START = Pattern.compile("^\\s*[rRuU]?(\"\"\"|'''|\"|')");

    private PythonExtractor() {
    }

    static List<CodeSymbol> extract(String text) {
        String[] lines = text.split("\n", -1);
        List<CodeSymbol> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = DEF.matcher(lines[i]);
            if (!m.find()) {
                continue;
            }
            int indent = m.group(1).replace("\t", "    ").length();
            int sigEnd = signatureEnd(lines, i);
            if (sigEnd < 0) {
                continue;
            }
            int end = sigEnd;
            for (int j = sigEnd + 1; j < lines.length; j++) {
                if (lines[j].isBlank()) {
                    continue;
                }
                if (indentOf(lines[j]) <= indent) {
                    break;
                }
                end = j;
            }
            if (end == sigEnd) {
                continue; // a one-line def ("def f(): pass"): nothing to learn
            }
            int start = i;
            while (start > 0 && lines[start - 1].strip().startsWith("@") && indentOf(lines[start - 1]) == indent) {
                start--;
            }
            int[] doc = docstring(lines, sigEnd + 1, end);
            String kind = m.group(2).equals("class") ? "class" : indent > 0 ? "method" : "function";
            String signature = Text.collapse(Text.join(lines, i, sigEnd));
            String docRaw = doc == null ? null : Text.dedent(lines, doc[0], doc[1]);
            if (doc != null && doc[1] == end) {
                continue; // only a docstring (an abstract method or protocol stub): no body to implement
            }
            String code = doc == null ? Text.dedent(lines, start, end) : withoutDoc(lines, start, end, doc);
            out.add(new CodeSymbol(Language.PYTHON, kind, m.group(3), signature, docRaw,
                    docRaw == null ? null : DocText.of(Language.PYTHON, docRaw), code, i + 1, end + 1));
        }
        return out;
    }

    /** The line that ends the def's signature (parentheses balanced, ending in ':'), or -1. */
    private static int signatureEnd(String[] lines, int i) {
        int depth = 0;
        for (int j = i; j < lines.length && j < i + 30; j++) {
            String s = lines[j].replaceAll("#.*$", "");
            for (char c : s.toCharArray()) {
                depth += c == '(' || c == '[' ? 1 : c == ')' || c == ']' ? -1 : 0;
            }
            if (depth <= 0 && s.stripTrailing().endsWith(":")) {
                return j;
            }
        }
        return -1;
    }

    /** {first, last} line of the docstring that opens the body at {@code from}, or null. */
    private static int[] docstring(String[] lines, int from, int end) {
        int j = from;
        while (j <= end && lines[j].isBlank()) {
            j++;
        }
        if (j > end) {
            return null;
        }
        Matcher m = DOC_START.matcher(lines[j]);
        if (!m.find()) {
            return null;
        }
        String q = m.group(1);
        String rest = lines[j].substring(m.end());
        if (rest.contains(q)) {
            return new int[] {j, j};
        }
        if (q.length() == 1) {
            return null;
        }
        for (int k = j + 1; k <= end; k++) {
            if (lines[k].contains(q)) {
                return new int[] {j, k};
            }
        }
        return null;
    }

    private static String withoutDoc(String[] lines, int start, int end, int[] doc) {
        String before = Text.join(lines, start, doc[0] - 1);
        String after = Text.join(lines, doc[1] + 1, end);
        String[] all = (before + "\n" + after).split("\n", -1);
        return Text.dedent(all, 0, all.length - 1);
    }

    private static int indentOf(String line) {
        int n = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                n++;
            } else if (c == '\t') {
                n += 4;
            } else {
                break;
            }
        }
        return n;
    }
}
