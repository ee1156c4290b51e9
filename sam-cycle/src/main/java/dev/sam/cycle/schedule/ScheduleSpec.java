package dev.sam.cycle.schedule;

import dev.sam.core.SamException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When {@code sam cycle} runs: daily at a local time ({@code --at 03:00}) or every N hours or minutes
 * ({@code --every 6h}, {@code --every 30m}), which must divide the day or the hour so that every scheduler
 * runs it at the same moments (cron {@code 0 *}{@code /6 * * *}, systemd {@code OnCalendar=*-*-* 00/6:00:00},
 * launchd one {@code StartCalendarInterval} per run).
 *
 * <pre>ScheduleSpec s = ScheduleSpec.parse(null, "6h");   s.cron() is "0 *&#47;6 * * *"</pre>
 *
 * @param hour   daily: the hour; interval: -1
 * @param minute daily: the minute; interval: -1
 * @param everyMinutes interval length in minutes (0 for daily)
 */
public record ScheduleSpec(int hour, int minute, int everyMinutes) {
    private static final Pattern AT = Pattern.compile("(\\d{1,2}):(\\d{2})");
    private static final Pattern EVERY = Pattern.compile("(\\d{1,4})([mh])");

    public static ScheduleSpec parse(String at, String every) {
        if (at != null && every != null) {
            throw SamException.usage("give --at or --every, not both", "e.g. --at 03:00, or --every 6h");
        }
        if (every != null) {
            Matcher m = EVERY.matcher(every.strip());
            int n = m.matches() ? Integer.parseInt(m.group(1)) * (m.group(2).equals("h") ? 60 : 1) : -1;
            boolean ok = n > 0 && (n < 60 ? 60 % n == 0 : n % 60 == 0 && 24 % (n / 60) == 0);
            if (!ok) {
                throw SamException.usage("--every must divide an hour (1m..30m) or a day (1h, 2h, 3h, 4h, 6h, 8h, 12h,"
                        + " 24h), got '" + every + "'", "e.g. --every 6h, or --at 03:00 for once a day");
            }
            return new ScheduleSpec(-1, -1, n);
        }
        String t = at == null ? "03:00" : at.strip();
        Matcher m = AT.matcher(t);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 23 || Integer.parseInt(m.group(2)) > 59) {
            throw SamException.usage("--at must be a local time HH:MM (00:00..23:59), got '" + at + "'", "e.g. --at 03:00");
        }
        return new ScheduleSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 0);
    }

    public boolean daily() {
        return everyMinutes == 0;
    }

    /** Words for the user and the marker line: "daily at 03:00" or "every 6h". */
    public String describe() {
        return daily() ? String.format("daily at %02d:%02d", hour, minute)
                : "every " + (everyMinutes % 60 == 0 ? everyMinutes / 60 + "h" : everyMinutes + "m");
    }

    /** The five cron fields. */
    public String cron() {
        if (daily()) {
            return minute + " " + hour + " * * *";
        }
        return everyMinutes < 60 ? "*/" + everyMinutes + " * * * *" : "0 */" + everyMinutes / 60 + " * * *";
    }

    /** systemd's OnCalendar= value. */
    public String onCalendar() {
        if (daily()) {
            return String.format("*-*-* %02d:%02d:00", hour, minute);
        }
        return everyMinutes < 60 ? "*-*-* *:00/" + everyMinutes + ":00" : "*-*-* 00/" + everyMinutes / 60 + ":00:00";
    }

    /** The next run strictly after {@code now}, local time (the same for all three schedulers). */
    public LocalDateTime next(LocalDateTime now) {
        LocalDateTime t = now.withSecond(0).withNano(0).plusMinutes(1);
        if (daily()) {
            LocalDateTime today = t.with(LocalTime.of(hour, minute));
            return today.isBefore(t) ? today.plusDays(1) : today;
        }
        while ((t.getHour() * 60 + t.getMinute()) % everyMinutes != 0) {
            t = t.plusMinutes(1);
        }
        return t;
    }

    /** The reverse of {@link #describe()} (read back from an installed entry's marker). */
    public static ScheduleSpec fromDescription(String d) {
        return d.startsWith("daily at ") ? parse(d.substring("daily at ".length()), null)
                : parse(null, d.substring("every ".length()));
    }
}
