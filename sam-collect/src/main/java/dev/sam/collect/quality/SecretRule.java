package dev.sam.collect.quality;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One kind of secret: a pattern, the group holding the secret itself (0 = the whole match), the typed
 * placeholder that replaces it, literal hints of which one must occur for the pattern to be tried at all
 * (most text holds none, which keeps scrubbing cheap), and an optional check on the matched value.
 * A rule's {@link Scope} narrows where its pattern is tried: hints such as "key" or "=" are common, and a
 * costly pattern must not run over every position of a long diff (java.util.regex has no prefilter).
 */
public record SecretRule(String kind, String placeholder, Pattern pattern, int group, List<String> hints,
                         boolean lowerCaseHints, Predicate<String> valueCheck, Scope scope) {

    /** Where a rule's pattern is tried. */
    enum Scope {
        /** Everywhere in the text. */
        TEXT,
        /** On each line that holds a hint. */
        HINT_LINES,
        /** Only starting at a hint's position (the pattern begins with the hint). */
        AT_HINT,
        /** Only at the start of lines of at least {@link #LONG_LINE} characters. */
        LONG_LINE_STARTS
    }

    static final int LONG_LINE = 64;

    static SecretRule of(String kind, String placeholder, String regex, String... hints) {
        return new SecretRule(kind, placeholder, Pattern.compile(regex), 0, List.of(hints), false, v -> true, Scope.TEXT);
    }

    SecretRule group(int g) {
        return new SecretRule(kind, placeholder, pattern, g, hints, lowerCaseHints, valueCheck, scope);
    }

    SecretRule check(Predicate<String> c) {
        return new SecretRule(kind, placeholder, pattern, group, hints, lowerCaseHints, c, scope);
    }

    /** Hints are matched against the lower-cased text. */
    SecretRule lowerHints() {
        return new SecretRule(kind, placeholder, pattern, group,
                hints.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(), true, valueCheck, scope);
    }

    /** Tried only on lines holding a hint. */
    SecretRule perLine() {
        return in(Scope.HINT_LINES);
    }

    SecretRule in(Scope s) {
        return new SecretRule(kind, placeholder, pattern, group, hints, lowerCaseHints, valueCheck, s);
    }

    /** Whether any hint occurs: the definition {@link HintScan} computes for all rules in one pass (tested against this). */
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
