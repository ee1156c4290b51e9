package dev.sam.serve.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Resident memory of this process, including the native model's memory, which the JVM's own counters do
 * not see. Linux: {@code VmRSS} of {@code /proc/self/status}; macOS: {@code ri_resident_size} of
 * {@code proc_pid_rusage} ({@link MacResidentMemory}, through JNA); elsewhere null — unknown, never made
 * up. Sampled at most every 250 ms.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long MAX_AGE_NANOS = 250_000_000L;

    private final Supplier<Long> reader;
    private volatile Long last;
    private volatile long readAt = System.nanoTime() - MAX_AGE_NANOS;

    public ProcessMemory() {
        this(readerFor(System.getProperty("os.name", "")));
    }

    ProcessMemory(Supplier<Long> reader) {
        this.reader = reader;
    }

    public Long rssBytes() {
        long now = System.nanoTime();
        if (now - readAt >= MAX_AGE_NANOS) {
            readAt = now;
            last = reader.get();
        }
        return last;
    }

    /** The way to read the resident set on the OS Java names {@code osName}. */
    static Supplier<Long> readerFor(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return ProcessMemory::readProcStatus;
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return new MacResidentMemory();
        }
        return () -> null;
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

    private static Long readProcStatus() {
        try {
            return parse(Files.readString(STATUS, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
