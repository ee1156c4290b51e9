package dev.sam.collect.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Replaces secrets and e-mail addresses with typed placeholders ({@code <AWS_ACCESS_KEY_ID>},
 * {@code <GITHUB_TOKEN>}, {@code <EMAIL>}, …) before any text is stored. Thread-safe.
 *
 * <pre>SecretScrubber.Result r = SecretScrubber.DEFAULT.scrub(diff);</pre>
 */
public final class SecretScrubber {
    public static final SecretScrubber DEFAULT = new SecretScrubber(SecretRules.ALL);

    private final List<SecretRule> rules;

    public SecretScrubber(List<SecretRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The scrubbed text and how many secrets of each kind were replaced. */
    public record Result(String text, Map<String, Integer> found) {
        public boolean changed() {
            return !found.isEmpty();
        }
    }

    public Result scrub(String text) {
        if (text == null || text.isEmpty()) {
            return new Result(text, Map.of());
        }
        Map<String, Integer> found = new LinkedHashMap<>();
        String current = text;
        String lower = text.toLowerCase(Locale.ROOT);
        for (SecretRule rule : rules) {
            if (!rule.mayMatch(current, lower)) {
                continue;
            }
            String next = apply(rule, current, found);
            if (next != current) {
                current = next;
                lower = current.toLowerCase(Locale.ROOT);
            }
        }
        return new Result(current, found);
    }

    /** Convenience: only the scrubbed text. */
    public String clean(String text) {
        return scrub(text).text();
    }

    private static String apply(SecretRule rule, String text, Map<String, Integer> found) {
        Matcher m = rule.pattern().matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            int g = rule.group();
            String value = m.group(g);
            if (value == null || !rule.valueCheck().test(value)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start(g)).append(rule.placeholder());
            last = m.end(g);
            found.merge(rule.kind(), 1, Integer::sum);
        }
        if (out == null) {
            return text;
        }
        out.append(text, last, text.length());
        return out.toString();
    }
}
