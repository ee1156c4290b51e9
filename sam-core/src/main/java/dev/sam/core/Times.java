package dev.sam.core;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Timestamps as the original Python tools wrote them: local ISO-8601 without zone, to the second. */
public final class Times {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    /** Always with seconds: LocalDateTime.toString() drops ":00", which breaks fixed-width ordering. */
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Times() {
    }

    public static String now(Clock clock) {
        return LocalDateTime.now(clock).format(ISO_SECONDS);
    }

    public static String now() {
        return now(Clock.systemDefaultZone());
    }

    /** Run ids and log names: YYYYMMDD_HHMMSS. */
    public static String runId(Clock clock) {
        return LocalDateTime.now(clock).format(RUN_ID);
    }
}
