package dev.sam.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in config.yaml and on the command line: a whole number and a unit,
 * {@code 90s}, {@code 30m}, {@code 6h}, {@code 2d} (or {@code 0}); {@code never} means no limit.
 *
 * <pre>Duration d = Durations.parse("6h");   // PT6H; Durations.parse("never") is null</pre>
 */
public final class Durations {
    public static final String NEVER = "never";
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd]?)");

    private Durations() {
    }

    /** The duration, or null for "never"; throws IllegalArgumentException naming the expected form. */
    public static Duration parse(String text) {
        String p = problem(text);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
        if (NEVER.equals(text.strip())) {
            return null;
        }
        Matcher m = FORM.matcher(text.strip());
        m.matches();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> {
                if (n != 0) {
                    throw new IllegalArgumentException("needs a unit (s, m, h or d), got '" + text + "'");
                }
                yield Duration.ZERO;
            }
        };
    }

    /** Why {@code text} is not a duration, or null when it is one. */
    public static String problem(String text) {
        if (text == null || text.isBlank()) {
            return "must be a duration like 24h, 90m, 2d or never, got nothing";
        }
        String t = text.strip();
        if (NEVER.equals(t)) {
            return null;
        }
        Matcher m = FORM.matcher(t);
        if (!m.matches() || (m.group(2).isEmpty() && Long.parseLong(m.group(1)) != 0)) {
            return "must be a duration like 24h, 90m, 2d or never, got '" + text + "'";
        }
        return null;
    }
}
