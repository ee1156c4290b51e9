package dev.sam.collect.quality;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One kind of secret: a pattern, the group holding the secret itself (0 = the whole match), the typed
 * placeholder that replaces it, literal hints of which one must occur for the pattern to be tried at all
 * (most text holds none, which keeps scrubbing cheap), and an optional check on the matched value.
 */
public record SecretRule(String kind, String placeholder, Pattern pattern, int group, List<String> hints,
                         boolean lowerCaseHints, Predicate<String> valueCheck) {

    static SecretRule of(String kind, String placeholder, String regex, String... hints) {
        return new SecretRule(kind, placeholder, Pattern.compile(regex), 0, List.of(hints), false, v -> true);
    }

    SecretRule group(int g) {
        return new SecretRule(kind, placeholder, pattern, g, hints, lowerCaseHints, valueCheck);
    }

    SecretRule check(Predicate<String> c) {
        return new SecretRule(kind, placeholder, pattern, group, hints, lowerCaseHints, c);
    }

    SecretRule flags(int f) {
        return new SecretRule(kind, placeholder, Pattern.compile(pattern.pattern(), f), group, hints,
                lowerCaseHints, valueCheck);
    }

    /** Hints are matched against the lower-cased text. */
    SecretRule lowerHints() {
        return new SecretRule(kind, placeholder, pattern, group,
                hints.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), true, valueCheck);
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
