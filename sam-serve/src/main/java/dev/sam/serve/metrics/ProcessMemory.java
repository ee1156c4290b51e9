package dev.sam.serve.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process: {@code VmRSS} of {@code /proc/self/status} (Linux; includes the
 * native model's memory, which the JVM's own counters do not see). Sampled at most every 250 ms.
 * Null where /proc does not exist (macOS) — unknown, never made up.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long MAX_AGE_NANOS = 250_000_000L;

    private volatile Long last;
    private volatile long readAt = System.nanoTime() - MAX_AGE_NANOS;

    public Long rssBytes() {
        long now = System.nanoTime();
        if (now - readAt >= MAX_AGE_NANOS) {
            readAt = now;
            last = read();
        }
        return last;
    }

    /** Parses "VmRSS:   123456 kB". */
    static Long parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                try {
                    long v = Long.parseLong(f[0]);
                    return f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Long read() {
        try {
            return parse(Files.readString(STATUS, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
