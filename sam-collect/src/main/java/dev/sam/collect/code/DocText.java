package dev.sam.collect.code;

/** The words of a doc comment, without its markers ({@code /**}, {@code *}, {@code ///}, {@code //}, quotes). */
final class DocText {
    private DocText() {
    }

    static String of(Language lang, String doc) {
        StringBuilder sb = new StringBuilder();
        for (String line : doc.split("\n")) {
            String s = line.strip();
            if (lang == Language.PYTHON) {
                s = s.replaceAll("^[rRuUbB]?(\"\"\"|'''|\"|')", "").replaceAll("(\"\"\"|'''|\"|')$", "");
            } else {
                s = s.replaceAll("^(/\\*\\*|/\\*!|///|//!?|\\*/|\\*)", "").replaceAll("\\*/$", "");
            }
            s = s.strip();
            if (!s.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(s);
            }
        }
        return sb.toString();
    }
}
