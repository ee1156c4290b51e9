package dev.sam.train.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process (the JVM plus the native trainer's buffers and mapped weights), read
 * from {@code /proc/self/status} (VmRSS, VmHWM = peak). Elsewhere the numbers are unknown (null):
 * reported as missing, never guessed.
 */
public final class ResourceUsage {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResourceUsage() {
    }

    /** Current resident set size in bytes, or null when the OS does not tell. */
    public static Long rssBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes, or null when the OS does not tell. */
    public static Long peakRssBytes() {
        return field("VmHWM:");
    }

    private static Long field(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    String[] p = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
