package dev.sam.collect.quality;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * Replaces secrets and e-mail addresses with typed placeholders ({@code <AWS_ACCESS_KEY_ID>},
 * {@code <GITHUB_TOKEN>}, {@code <EMAIL>}, …) before any text is stored. Scrubbing is by value: the rules
 * ({@link SecretRules}) find secrets by their format or their keyword, and every value found is then
 * replaced wherever else it occurs — in the other fields of the same sample (a commit message quoting the
 * key its diff adds) and, with a run-wide {@link KnownSecrets}, in every later sample of the collection.
 * Thread-safe.
 *
 * <pre>SecretScrubber.Result r = SecretScrubber.DEFAULT.scrub(diff);
 * List&lt;String&gt; clean = SecretScrubber.DEFAULT.scrubAll(List.of(prompt, diff, message), runSecrets).texts();</pre>
 */
public final class SecretScrubber {
    public static final SecretScrubber DEFAULT = new SecretScrubber(SecretRules.ALL);

    private final List<SecretRule> rules;
    private final HintScan hints;
    private final Consumer<Finding> audit;

    public SecretScrubber(List<SecretRule> rules) {
        this(rules, f -> { });
    }

    /** @param audit told of every value a rule replaces (thread-safe if scrubbing is concurrent); for measuring precision */
    public SecretScrubber(List<SecretRule> rules, Consumer<Finding> audit) {
        this.rules = List.copyOf(rules);
        this.hints = new HintScan(this.rules);
        this.audit = audit;
    }

    /** What a rule found: its kind, the value, and the line it stood on (before replacement). */
    public record Finding(String kind, String value, String line) {
    }

    /** The scrubbed text and how many secrets of each kind were replaced. */
    public record Result(String text, Map<String, Integer> found) {
        public boolean changed() {
            return !found.isEmpty();
        }
    }

    /** Scrubbed fields (nulls stay null) and how many secrets of each kind were replaced in all of them. */
    public record Results(List<String> texts, Map<String, Integer> found) {
        public int total() {
            return found.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** One text on its own: values found anywhere in it are replaced everywhere in it. */
    public Result scrub(String text) {
        if (text == null || text.isEmpty()) {
            return new Result(text, Map.of());
        }
        Results r = scrubAll(java.util.Collections.singletonList(text), new KnownSecrets());
        return new Result(r.texts().get(0), r.found());
    }

    /** Convenience: only the scrubbed text. */
    public String clean(String text) {
        return scrub(text).text();
    }

    /**
     * The fields of one sample together: each field is scrubbed by the rules, every value found (in any
     * field) is added to {@code known}, then every value {@code known} holds is replaced in every field.
     */
    public Results scrubAll(List<String> fields, KnownSecrets known) {
        Map<String, Integer> found = new LinkedHashMap<>();
        List<String> out = new ArrayList<>(fields.size());
        for (String f : fields) {
            out.add(f == null || f.isEmpty() ? f : applyRules(f, found, known));
        }
        if (!known.isEmpty()) {
            Map<String, Integer> again = new LinkedHashMap<>();
            out.replaceAll(t -> known.replaceIn(t, again));
            // counted under the kind of placeholder (<SECRET>, <PRIVATE_KEY>, …): the rule is not known here
            again.forEach((placeholder, n) -> {
                found.merge("repeated " + placeholder, n, Integer::sum);
                audit.accept(new Finding("repeated", placeholder, String.valueOf(n)));
            });
        }
        return new Results(out, found);
    }

    private String applyRules(String text, Map<String, Integer> found, KnownSecrets known) {
        String current = text;
        String lower = text.toLowerCase(Locale.ROOT);
        BitSet candidates = hints.candidates(current, lower);
        for (int r = candidates.nextSetBit(0); r >= 0; r = candidates.nextSetBit(r + 1)) {
            String next = apply(rules.get(r), current, lower, found, known);
            if (next != current) { // a placeholder went in: the later rules' hints are looked for again
                current = next;
                lower = current.toLowerCase(Locale.ROOT);
                BitSet again = hints.candidates(current, lower);
                again.clear(0, r + 1);
                candidates = again;
            }
        }
        return current;
    }

    private String apply(SecretRule rule, String text, String lower, Map<String, Integer> found, KnownSecrets known) {
        Matcher m = rule.pattern().matcher(text);
        m.useTransparentBounds(true);
        StringBuilder out = null;
        int last = 0;
        for (int[] region : regions(rule, text, lower)) {
            m.region(region[0], region[1]);
            boolean anchored = rule.scope() != SecretRule.Scope.TEXT && rule.scope() != SecretRule.Scope.HINT_LINES;
            while (anchored ? m.lookingAt() : m.find()) {
                int g = rule.group();
                String value = m.group(g);
                if (value != null && m.start(g) >= last && !Entropy.isMasked(value) && rule.valueCheck().test(value)) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, last, m.start(g)).append(rule.placeholder());
                    last = m.end(g);
                    found.merge(rule.kind(), 1, Integer::sum);
                    remember(value, rule, known);
                    audit.accept(new Finding(rule.kind(), value, lineAround(text, m.start(g), m.end(g))));
                }
                if (anchored) {
                    break;
                }
            }
        }
        if (out == null) {
            return text;
        }
        out.append(text, last, text.length());
        return out.toString();
    }

    private static String lineAround(String text, int start, int end) {
        int s = text.lastIndexOf('\n', start - 1) + 1;
        int e = text.indexOf('\n', end);
        return text.substring(s, e < 0 ? text.length() : e);
    }

    /**
     * Where to look, in order: the whole text, the lines holding a hint (merged), the positions of the hints,
     * or the starts of long lines (the last two are tried with lookingAt: the match must start there).
     */
    private static List<int[]> regions(SecretRule rule, String text, String lower) {
        String t = rule.lowerCaseHints() ? lower : text;
        List<int[]> out = new ArrayList<>();
        switch (rule.scope()) {
            case TEXT -> out.add(new int[] {0, text.length()});
            case AT_HINT -> {
                for (String h : rule.hints()) {
                    for (int i = t.indexOf(h); i >= 0; i = t.indexOf(h, i + 1)) {
                        out.add(new int[] {i, lineEnd(text, i)});
                    }
                }
                out.sort((a, b) -> Integer.compare(a[0], b[0]));
            }
            case LONG_LINE_STARTS -> {
                for (int s = 0; s < text.length(); ) {
                    int e = lineEnd(text, s);
                    if (e - s >= SecretRule.LONG_LINE) {
                        out.add(new int[] {s, e});
                    }
                    s = e + 1;
                }
            }
            case HINT_LINES -> {
                List<int[]> lines = new ArrayList<>();
                for (String h : rule.hints()) {
                    for (int i = t.indexOf(h); i >= 0; i = t.indexOf(h, i + 1)) {
                        lines.add(new int[] {text.lastIndexOf('\n', i) + 1, lineEnd(text, i)});
                    }
                }
                lines.sort((a, b) -> Integer.compare(a[0], b[0]));
                for (int[] l : lines) {
                    if (!out.isEmpty() && out.get(out.size() - 1)[1] >= l[0]) {
                        int[] prev = out.get(out.size() - 1);
                        prev[1] = Math.max(prev[1], l[1]);
                    } else {
                        out.add(l);
                    }
                }
            }
            default -> throw new IllegalStateException(rule.scope().toString());
        }
        return out;
    }

    private static int lineEnd(String text, int from) {
        int e = text.indexOf('\n', from);
        return e < 0 ? text.length() : e;
    }

    /**
     * Adds what was found to the known values: the value itself, and for a key block its base64 lines, so a
     * body line quoted alone elsewhere is recognised too. E-mail addresses are found by their format anyway.
     */
    private static void remember(String value, SecretRule rule, KnownSecrets known) {
        if (rule.kind().equals("email")) {
            return;
        }
        if (rule.kind().equals("private_key")) {
            for (String piece : value.split("\\\\n|\\\\r|[\\s\"',\\-]+")) {
                String p = piece.startsWith("+") && piece.length() > 64 ? piece.substring(1) : piece;
                if (p.length() >= 16 && Entropy.classes(p) >= 3) {
                    known.add(p, rule.placeholder());
                }
            }
            return;
        }
        if (Entropy.isPlaceholder(value) || value.chars().allMatch(Character::isLetter)) {
            return;
        }
        known.add(value, rule.placeholder());
    }
}
