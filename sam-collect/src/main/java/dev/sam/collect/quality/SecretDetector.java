package dev.sam.collect.quality;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence after scrubbing: text that still looks like it holds a secret is not
 * stored at all (reject reason {@code secret}). It flags private-key markers, and long random-looking
 * tokens on a line that names a secret (password, token, api_key, …) which no rule replaced.
 *
 * <pre>if (SecretDetector.stillSecret(text)) reject("secret");</pre>
 */
public final class SecretDetector {
    private static final Pattern KEY_MARKER = Pattern.compile("-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/_\\-]{24,}={0,2}");

    private SecretDetector() {
    }

    public static boolean stillSecret(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        if (text.contains("PRIVATE KEY") && KEY_MARKER.matcher(text).find()) {
            return true;
        }
        // only lines holding a keyword stem are looked at (every KEYWORD alternative contains one)
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (String stem : STEMS) {
            for (int i = lower.indexOf(stem); i >= 0; i = lower.indexOf(stem, i + 1)) {
                int start = text.lastIndexOf('\n', i) + 1;
                int end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
                if (end - start >= 24 && suspiciousLine(text.substring(start, end))) {
                    return true;
                }
                i = Math.max(i, end - 1);
            }
        }
        return false;
    }

    private static final String[] STEMS = {"secret", "token", "passw", "pwd", "key", "credential"};

    private static boolean suspiciousLine(String line) {
        if (!SecretRules.KEYWORD_PATTERN.matcher(line).find()) {
            return false;
        }
        Matcher m = TOKEN.matcher(line);
        while (m.find()) {
            String t = m.group();
            // 3+ classes and high entropy: base64/base62 key material, not hex digests or identifiers
            if (Entropy.classes(t) >= 3 && Entropy.bitsPerChar(t) >= 4.0 && !t.contains("__")
                    && !looksLikeIdentifier(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * snake_case / kebab-case / CamelCase words such as MAX_TOKEN_LENGTH_FOR_MODEL_2 are names, not secrets;
     * so are paths of such words (a diff's {@code a/src/main/java/app/TokenValidator6}).
     */
    private static boolean looksLikeIdentifier(String t) {
        if (t.indexOf('/') >= 0) {
            for (String segment : t.split("/")) {
                if (!segment.isEmpty() && !word(segment) && !looksLikeIdentifier(segment)) {
                    return false;
                }
            }
            return true;
        }
        String[] parts = t.split("[_\\-]");
        int wordy = 0;
        for (String p : parts) {
            if (word(p)) {
                wordy++;
            }
        }
        return parts.length > 1 && wordy == parts.length || t.matches("([A-Z]?[a-z]{2,}){3,}\\d{0,3}");
    }

    private static boolean word(String p) {
        return p.matches("[A-Za-z][a-z]+|[A-Z]+|[a-z]+|\\d{1,4}|([A-Z][a-z]+)+\\d{0,3}");
    }
}
