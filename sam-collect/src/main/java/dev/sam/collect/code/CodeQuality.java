package dev.sam.collect.code;

import java.util.regex.Pattern;

/**
 * A 0..1 quality score for a documented symbol, per language: how much its doc says (words, and the
 * structured parts its language's convention expects — @param/@return in Javadoc and JSDoc, Args:/Returns:
 * in Python (Google style) or :param: (Sphinx), a first sentence starting with the name in Go
 * (Effective Go, "Commentary"), # Examples / # Errors sections in Rust (rustdoc book), \param or @param in
 * Doxygen), and whether the body is a reviewable size. Trivial accessors score low.
 */
public final class CodeQuality {
    static final Pattern ACCESSOR = Pattern.compile("(?:get|set|is|has)[A-Z_]\\w*|__\\w+__");

    private CodeQuality() {
    }

    public static double score(CodeSymbol s) {
        if (!s.documented()) {
            return 0;
        }
        String doc = s.docText();
        int words = doc.split("\\s+").length;
        double q = words < 4 ? 0.2 : words < 12 ? 0.45 : 0.6;
        if (structured(s.language(), s.name(), doc)) {
            q += 0.2;
        }
        int lines = s.lines();
        if (lines >= 3 && lines <= 60) {
            q += 0.15;
        } else if (lines > 150) {
            q -= 0.2;
        } else if (lines < 3) {
            q -= 0.1;
        }
        if (ACCESSOR.matcher(s.name()).matches() && lines <= 5) {
            q -= 0.3;
        }
        if (doc.contains("TODO") || doc.contains("FIXME")) {
            q -= 0.1;
        }
        return Math.round(Math.max(0, Math.min(1, q)) * 100) / 100.0;
    }

    private static boolean structured(Language lang, String name, String doc) {
        return switch (lang) {
            case JAVA, JAVASCRIPT, TYPESCRIPT -> doc.contains("@param") || doc.contains("@return")
                    || doc.contains("@throws");
            case PYTHON -> doc.contains("Args:") || doc.contains("Returns:") || doc.contains(":param")
                    || doc.contains("Parameters\n") || doc.contains("Raises:");
            case GO -> doc.startsWith(name + " ") || doc.startsWith("A " + name) || doc.startsWith("An " + name);
            case RUST -> doc.contains("# Examples") || doc.contains("# Errors") || doc.contains("# Panics")
                    || doc.contains("# Arguments") || doc.contains("`");
            case C, CPP -> doc.contains("@param") || doc.contains("\\param") || doc.contains("@return")
                    || doc.contains("\\return") || doc.contains("@brief") || doc.contains("\\brief");
        };
    }
}
