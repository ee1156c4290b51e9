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
     * A value that could be a generated secret rather than a name, a path or a reference to one: not a
     * placeholder or variable reference, not an identifier (MY_API_KEY, token_name, tokenService) or a
     * path of words (Qwen/Qwen2.5-Coder-1.5B, com.example.Auth), at least 2.8 bits of entropy per character
     * and at least two character classes. So "password_field" or "Bearer" stay, "hX9#kq2!Lm" goes.
     */
    public static boolean looksRandom(String v) {
        if (isPlaceholder(v) || isName(v) || isPathOfWords(v) || isCodeReference(v) || CODE_EXPRESSION.matcher(v).matches()) {
            return false;
        }
        return bitsPerChar(v) >= 2.8 && classes(v) >= 2;
    }

    /** {@code <X>}, {@code ${X}}, {@code {{x}}}, {@code %(x)s}, {@code $X}, {@code ****}, env/config lookups. */
    public static boolean isPlaceholder(String v) {
        return v.startsWith("<") && v.endsWith(">") || v.matches(".*<[A-Z][A-Z_]*>.*") || v.startsWith("${") || v.startsWith("{{") || v.startsWith("%(")
                || v.startsWith("$") || v.startsWith("#{") || v.chars().allMatch(c -> c == '*' || c == 'x' || c == 'X')
                || v.contains("os.environ") || v.contains("getenv") || v.contains("process.env");
    }

    private static final java.util.regex.Pattern CODE_REFERENCE = java.util.regex.Pattern.compile(
            "[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*(?:\\(\\))?[;,]?");

    /** A call ({@code canonicalize(}, {@code percentDecode(b.pw);}) or a regex character class: code, not a value. */
    private static final java.util.regex.Pattern CODE_EXPRESSION = java.util.regex.Pattern.compile(
            "[A-Za-z_$][\\w$.]*\\(.*|.*(?:a-z|A-Z|0-9).*");

    /**
     * The password of a {@code scheme://user:password@host} URL that is a credential rather than a URL
     * parser's test fixture: at least 6 characters once percent-decoded, no spaces or control characters,
     * not a dummy word (pass, password1, secret, test…), not a placeholder or a masked value.
     */
    public static boolean isUrlPassword(String v) {
        if (isPlaceholder(v) || isMasked(v)) {
            return false;
        }
        String d;
        try {
            d = java.net.URLDecoder.decode(v.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            d = v;
        }
        return d.codePointCount(0, d.length()) >= 6 && d.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                && !DUMMY_PASSWORD.matcher(d).matches();
    }

    private static final java.util.regex.Pattern DUMMY_PASSWORD = java.util.regex.Pattern.compile(
            "(?i)(?:pass(?:word)?|passwd|pwd|secret|test|foo|bar|baz|user|admin|example)\\d*");

    /** Mostly X, x or * (xoxp-XXXXXXXX-XXXX, sk_live_xxxxxxxx): a documentation example, not a key. */
    public static boolean isMasked(String v) {
        long masked = v.chars().filter(c -> c == 'X' || c == 'x' || c == '*').count();
        return masked * 10 >= v.length() * 6L;
    }

    /** A variable or member chain as code writes it: {@code password;}, {@code JsonToken.STRING;}, {@code cfg.getKey()}. */
    static boolean isCodeReference(String v) {
        // no digits: a random value that happens to end in ';' (hX9kq2Lm;) is still a secret
        return CODE_REFERENCE.matcher(v).matches() && !v.matches(".*\\d.*")
                && (v.endsWith(";") || v.endsWith(",") || v.endsWith("()") || v.indexOf('.') > 0);
    }

    /** CONSTANT_CASE, snake_case, kebab-case, dotted.lower, camelCase or PascalCase words without digits. */
    static boolean isName(String v) {
        return v.matches("[A-Z]+(?:_[A-Z]+)+(?:_\\d+)?") || v.matches("[a-z]+(?:[_\\-.][a-z]+)+")
                || v.matches("[a-z]+(?:[A-Z][a-z]+)+") || v.matches("(?:[A-Z][a-z]+){2,}");
    }

    /** Segments joined by / . : - _ that are each a word, a number or a short version-like token. */
    static boolean isPathOfWords(String v) {
        String[] parts = v.split("[/.:_\\-]+");
        if (parts.length < 2) {
            return false;
        }
        for (String p : parts) {
            boolean word = p.matches("[a-z]+|[A-Z][a-z]+|[A-Z]{1,8}");
            boolean shortToken = p.length() <= 6 && p.matches("[A-Za-z]*\\d*[A-Za-z]?");
            if (!p.isEmpty() && !word && !shortToken) {
                return false;
            }
        }
        return true;
    }

    /**
     * A value of a {@code NAME=value} line that is a secret whatever the name: at least 16 characters, letters
     * and digits, near the entropy of random text of its length (min(4, log2(length) - 0.5) bits per
     * character; random base62 of 16 characters has about 3.7), and not one of the random-looking values
     * code is full of: commit ids and hex digests of any length, UUIDs, SRI / docker digests, URLs, paths
     * and names.
     */
    public static boolean isHighEntropySecret(String v) {
        if (v.length() < 16 || isPlaceholder(v) || isDigestOrId(v) || isName(v) || isPathOfWords(v)
                || isCodeReference(v) || v.contains("://") || v.startsWith("~") || v.startsWith("/") || v.startsWith(".")) {
            return false;
        }
        boolean letter = false;
        boolean digit = false;
        for (int i = 0; i < v.length(); i++) {
            letter |= Character.isLetter(v.charAt(i));
            digit |= Character.isDigit(v.charAt(i));
        }
        double need = Math.min(4.0, Math.log(v.length()) / Math.log(2) - 0.5);
        return letter && digit && bitsPerChar(v) >= need;
    }

    private static final java.util.regex.Pattern DIGEST_OR_ID = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|(?:sha1|sha224|sha256|sha384|sha512|md5)[-:].*");

    /** Hex of any length (commit ids, digests), a UUID, or an SRI / docker digest (sha512-…, sha256:…). */
    public static boolean isDigestOrId(String v) {
        return DIGEST_OR_ID.matcher(v).matches();
    }
}
