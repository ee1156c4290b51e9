package dev.sam.core;

import java.util.Locale;

/**
 * The one formatter of byte counts: binary units with IEC names (KiB, MiB, GiB, TiB — 1024 each), so
 * memory (RSS, the rollback threshold) and file sizes read alike and "MB" never means two things.
 *
 * <pre>Bytes.human(3_500_000) // "3.3 MiB"</pre>
 */
public final class Bytes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Bytes() {
    }

    public static String human(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int i = -1;
        while (v >= 1024 && i < UNITS.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, UNITS[i]);
    }
}
