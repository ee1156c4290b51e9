package dev.sam.collect.quality;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One kind of secret: a pattern, the group holding the secret itself (0 = the whole match), the typed
 * placeholder that replaces it, literal hints of which one must occur for the pattern to be tried at all
 * (most text holds none, which keeps scrubbing cheap), and an optional check on the matched value.
 * A line-gated rule is tried only on the lines that hold one of its hints: its hints are common words
 * ("key", "token") but its pattern is costly, so it must not run over every position of a long diff.
 */
public record SecretRule(String kind, String placeholder, Pattern pattern, int group, List<String> hints,
                         boolean lowerCaseHints, Predicate<String> valueCheck, boolean lineGated) {

    static SecretRule of(String kind, String placeholder, String regex, String... hints) {
        return new SecretRule(kind, placeholder, Pattern.compile(regex), 0, List.of(hints), false, v -> true, false);
    }

    SecretRule group(int g) {
        return new SecretRule(kind, placeholder, pattern, g, hints, lowerCaseHints, valueCheck, lineGated);
    }

    SecretRule check(Predicate<String> c) {
        return new SecretRule(kind, placeholder, pattern, group, hints, lowerCaseHints, c, lineGated);
    }

    /** Hints are matched against the lower-cased text. */
    SecretRule lowerHints() {
        return new SecretRule(kind, placeholder, pattern, group,
                hints.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), true, valueCheck, lineGated);
    }

    /** Tried only on lines holding a hint. */
    SecretRule perLine() {
        return new SecretRule(kind, placeholder, pattern, group, hints, lowerCaseHints, valueCheck, true);
    }

    boolean mayMatch(String text, String lower) {
        if (hints.isEmpty()) {
            return true;
        }
        String t = lowerCaseHints ? lower : text;
        for (String h : hints) {
            if (t.contains(h)) {
                return true;
            }
        }
        return false;
    }
}
