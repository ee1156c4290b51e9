package dev.sam.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimesTest {
    @Test
    void timestampsAlwaysCarrySeconds() {
        Clock c = Clock.fixed(Instant.parse("2026-01-25T10:00:00.123Z"), ZoneOffset.UTC);
        assertEquals("2026-01-25T10:00:00", Times.now(c));
        assertEquals("20260125_100000", Times.runId(c));
    }
}
