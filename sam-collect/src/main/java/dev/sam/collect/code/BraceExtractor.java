package dev.sam.collect.code;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds functions and types with their doc comments in Java, JavaScript/TypeScript, Go, Rust and C/C++:
 * a doc comment ({@code /** … *}{@code /}, {@code ///}, Go's {@code //} block), optional annotations,
 * a declaration line ({@link Declarations}), and a body found by brace matching that skips strings,
 * character literals and comments. Types are entered so their methods are found too.
 *
 * <pre>List&lt;CodeSymbol&gt; symbols = BraceExtractor.extract(Language.JAVA, source);</pre>
 */
final class BraceExtractor {
    /** Bodies longer than this are not followed (generated tables, giant functions). */
    static final int MAX_BODY_LINES = 600;

    private BraceExtractor() {
    }

    static List<CodeSymbol> extract(Language lang, String text) {
        String[] lines = text.split("\n", -1);
        List<CodeSymbol> out = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            int docEnd = docEnd(lang, lines, i);
            int k = docEnd >= 0 ? docEnd + 1 : i;
            while (k < lines.length && Declarations.isAnnotation(lang, lines[k])) {
                k++;
            }
            Declarations.Decl decl = k < lines.length ? Declarations.match(lang, lines[k]) : null;
            if (decl == null) {
                i = docEnd >= 0 ? docEnd + 1 : i + 1;
                continue;
            }
            int[] body = Braces.body(lines, k, lang, MAX_BODY_LINES);
            if (body == null) {
                i = k + 1;
                continue;
            }
            String doc = docEnd >= 0 ? Text.dedent(lines, i, docEnd) : null;
            int codeStart = docEnd >= 0 ? docEnd + 1 : k;
            String code = Text.dedent(lines, codeStart, body[1]);
            String signature = Text.collapse(Text.join(lines, k, body[0]).replaceFirst("\\{[^{]*$", ""));
            out.add(new CodeSymbol(lang, decl.kind(), decl.name(), signature, doc,
                    doc == null ? null : DocText.of(lang, doc), code, k + 1, body[1] + 1));
            boolean container = List.of("class", "interface", "enum", "record", "trait", "impl", "struct")
                    .contains(decl.kind()) && lang != Language.GO;
            i = container ? body[0] + 1 : body[1] + 1;
        }
        return out;
    }

    /** The last line of a doc comment starting at line i, or -1 when none starts there. */
    private static int docEnd(Language lang, String[] lines, int i) {
        String s = lines[i].strip();
        boolean block = s.startsWith("/**") && !s.startsWith("/***") || s.startsWith("/*!") && lang.ordinal() >= Language.RUST.ordinal();
        if (block) {
            for (int j = i; j < lines.length && j < i + 400; j++) {
                if (lines[j].contains("*/") && (j > i || s.indexOf("*/") > 2)) {
                    return lines[j].strip().endsWith("*/") ? j : -1;
                }
            }
            return -1;
        }
        String marker = switch (lang) {
            case RUST, CPP, C -> "///";
            case GO -> "//";
            default -> null;
        };
        if (marker == null || !s.startsWith(marker) || s.startsWith("////")
                || lang == Language.GO && (i > 0 && lines[i - 1].strip().startsWith("//"))) {
            return -1;
        }
        int j = i;
        while (j + 1 < lines.length && lines[j + 1].strip().startsWith(marker)) {
            j++;
        }
        return j;
    }
}
