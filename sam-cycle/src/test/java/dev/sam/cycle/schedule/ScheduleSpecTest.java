package dev.sam.cycle.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {
    @Test
    void dailyAndIntervalsRenderForEveryScheduler() {
        ScheduleSpec d = ScheduleSpec.parse("03:30", null);
        assertEquals("30 3 * * *", d.cron());
        assertEquals("*-*-* 03:30:00", d.onCalendar());
        assertEquals("daily at 03:30", d.describe());
        ScheduleSpec six = ScheduleSpec.parse(null, "6h");
        assertEquals("0 */6 * * *", six.cron());
        assertEquals("*-*-* 00/6:00:00", six.onCalendar());
        assertEquals("*/15 * * * *", ScheduleSpec.parse(null, "15m").cron());
        assertEquals("daily at 03:00", ScheduleSpec.parse(null, null).describe(), "the default");
        assertEquals(six, ScheduleSpec.fromDescription(six.describe()));
    }

    @Test
    void nextRunFollowsTheCronMeaning() {
        LocalDateTime now = LocalDateTime.of(2026, 1, 25, 4, 10, 30);
        assertEquals(LocalDateTime.of(2026, 1, 26, 3, 0), ScheduleSpec.parse("03:00", null).next(now));
        assertEquals(LocalDateTime.of(2026, 1, 25, 5, 0), ScheduleSpec.parse("05:00", null).next(now));
        assertEquals(LocalDateTime.of(2026, 1, 25, 6, 0), ScheduleSpec.parse(null, "6h").next(now));
        assertEquals(LocalDateTime.of(2026, 1, 25, 4, 15), ScheduleSpec.parse(null, "15m").next(now));
    }

    @Test
    void badInputIsAUsageError() {
        for (String[] bad : new String[][] {{"25:00", null}, {"3am", null}, {null, "5h"}, {null, "7m"}, {null, "0h"},
                {"03:00", "6h"}}) {
            SamException e = assertThrows(SamException.class, () -> ScheduleSpec.parse(bad[0], bad[1]));
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("--at") || e.getMessage().contains("--every"), e.getMessage());
        }
    }
}
