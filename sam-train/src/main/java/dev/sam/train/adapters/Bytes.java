package dev.sam.train.adapters;

import java.util.Locale;

/** Human-readable byte counts (decimal units, as the original spec's "1MB - 2GB"). */
public final class Bytes {
    private Bytes() {
    }

    public static String human(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[i]);
    }
}
