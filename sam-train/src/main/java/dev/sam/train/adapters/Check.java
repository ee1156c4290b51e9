package dev.sam.train.adapters;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * One step of the validation gate and how it went. {@code problems} lists every mismatch found, not
 * just the first (like mlx-lm's adapter loader, which reports all bad names and shapes at once).
 */
public record Check(String name, Outcome outcome, String detail, List<String> problems) {

    public Check {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public static Check passed(String name, String detail) {
        return new Check(name, Outcome.PASSED, detail, List.of());
    }

    public static Check failed(String name, String detail, List<String> problems) {
        return new Check(name, Outcome.FAILED, detail, problems);
    }

    public static Check notRun(String name, String why) {
        return new Check(name, Outcome.NOT_RUN, why, List.of());
    }

    /** A failed check that {@code --force} let through; it stays visible in every report. */
    public Check waived(String why) {
        return new Check(name, Outcome.WAIVED, detail + " — " + why, problems);
    }

    /** "generation check: not run (no inference engine available)". */
    public String line() {
        return name + " check: " + outcome.words() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** passed, failed, not run, waived (failed but overridden by --force). */
    public enum Outcome {
        PASSED, FAILED, NOT_RUN, WAIVED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String words() {
            return json().replace('_', ' ');
        }
    }
}
