package dev.sam.collect;

import dev.sam.core.SamException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --since}: an ISO date (2025-01-31, local midnight), an ISO date-time with or without
 * offset, or a relative age such as {@code 30d}, {@code 2w} or {@code 30 days ago}.
 *
 * <pre>long epochSeconds = Since.parse("2025-01-31", Clock.systemDefaultZone());</pre>
 */
public final class Since {
    private static final Pattern RELATIVE = Pattern.compile("(?i)\\s*(\\d{1,5})\\s*(d|days?|w|weeks?)(\\s+ago)?\\s*");

    private Since() {
    }

    /** Epoch seconds, or null for null/blank; a usage error naming the value otherwise. */
    public static Long parse(String value, Clock clock) {
        return parse(value, clock, "--since");
    }

    /** As {@link #parse(String, Clock)}, naming where the value came from ("config.yaml collect.since"). */
    public static Long parse(String value, Clock clock, String origin) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        Matcher m = RELATIVE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long days = m.group(2).toLowerCase().startsWith("w") ? n * 7 : n;
            return Instant.now(clock).minusSeconds(days * 86_400).getEpochSecond();
        }
        try {
            return LocalDate.parse(v).atStartOfDay(clock.getZone()).toEpochSecond();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(v).atZone(clock.getZone()).toEpochSecond();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(v).toEpochSecond();
        } catch (DateTimeParseException e) {
            throw SamException.usage(origin + " '" + value + "' is not a date",
                    "use a date like 2025-01-31, a date-time like 2025-01-31T14:00, or an age like 30d or 2w");
        }
    }
}
