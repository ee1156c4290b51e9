package dev.sam.deploy.store;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Version names {@code vMAJOR.MINOR.PATCH} as the original tool wrote them ({@code v1.0.0} first,
 * then patch bumps). Names that do not parse (hand-made directories) are ignored for numbering.
 *
 * <pre>String v = VersionNumbers.next(List.of("v1.0.0", "v1.0.1"));   // v1.0.2</pre>
 */
public final class VersionNumbers {
    public static final String FIRST = "v1.0.0";
    private static final Pattern V = Pattern.compile("v(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})");

    /** Numeric order; names that do not parse sort first, by name. */
    public static final Comparator<String> ORDER = dev.sam.core.store.VersionCatalog.NAME_ORDER;

    private VersionNumbers() {
    }

    public static boolean valid(String name) {
        return name != null && V.matcher(name).matches();
    }

    public static Optional<int[]> parse(String name) {
        Matcher m = name == null ? null : V.matcher(name);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))});
    }

    /** The next patch after the highest existing version, or v1.0.0. */
    public static String next(Collection<String> existing) {
        return existing.stream().filter(VersionNumbers::valid).max(ORDER)
                .map(s -> {
                    int[] v = parse(s).orElseThrow();
                    return "v" + v[0] + "." + v[1] + "." + (v[2] + 1);
                })
                .orElse(FIRST);
    }
}
