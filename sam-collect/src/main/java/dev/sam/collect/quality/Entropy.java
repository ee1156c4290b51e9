package dev.sam.collect.quality;

/** Shannon entropy and the "looks like a random secret" test used by the generic secret rules. */
public final class Entropy {
    private Entropy() {
    }

    /** Bits per character of the string's character distribution. */
    public static double bitsPerChar(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        java.util.Map<Character, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < s.length(); i++) {
            counts.merge(s.charAt(i), 1, Integer::sum);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = c / (double) s.length();
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    /** Character classes present: lower, upper, digit, other. */
    public static int classes(String s) {
        boolean lo = false;
        boolean up = false;
        boolean di = false;
        boolean ot = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLowerCase(c)) {
                lo = true;
            } else if (Character.isUpperCase(c)) {
                up = true;
            } else if (Character.isDigit(c)) {
                di = true;
            } else {
                ot = true;
            }
        }
        return (lo ? 1 : 0) + (up ? 1 : 0) + (di ? 1 : 0) + (ot ? 1 : 0);
    }

    /**
     * A value that could be a generated secret rather than a name, a sentence or a reference to one:
     * not a placeholder or variable reference, at least 3 bits of entropy per character and at least two
     * character classes (so "password_field" or "Bearer" stay, "hX9#kq2!Lm" goes).
     */
    public static boolean looksRandom(String v) {
        if (isPlaceholder(v)) {
            return false;
        }
        return bitsPerChar(v) >= 3.0 && classes(v) >= 2 && !isIdentifierPath(v);
    }

    /** {@code <X>}, {@code ${X}}, {@code {{x}}}, {@code %(x)s}, {@code $X}, {@code ****}, env/config lookups. */
    public static boolean isPlaceholder(String v) {
        return v.startsWith("<") && v.endsWith(">") || v.startsWith("${") || v.startsWith("{{") || v.startsWith("%(")
                || v.startsWith("$") || v.startsWith("#{") || v.chars().allMatch(c -> c == '*' || c == 'x' || c == 'X')
                || v.contains("os.environ") || v.contains("getenv") || v.contains("process.env");
    }

    /** Dotted or slashed identifiers such as {@code com.example.TokenService} or {@code config.auth.token}. */
    private static boolean isIdentifierPath(String v) {
        return v.matches("[A-Za-z_][A-Za-z_]*(?:[./:][A-Za-z_][A-Za-z_]*)+\\(?\\)?");
    }
}
