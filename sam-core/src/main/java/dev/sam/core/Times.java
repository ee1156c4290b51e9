package dev.sam.core;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Timestamps as the original Python tools wrote them: local ISO-8601 without zone, to the second. */
public final class Times {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private Times() {
    }

    public static String now(Clock clock) {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static String now() {
        return now(Clock.systemDefaultZone());
    }

    /** Run ids and log names: YYYYMMDD_HHMMSS. */
    public static String runId(Clock clock) {
        return LocalDateTime.now(clock).format(RUN_ID);
    }
}
