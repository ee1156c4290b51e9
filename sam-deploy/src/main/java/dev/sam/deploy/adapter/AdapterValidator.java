package dev.sam.deploy.adapter;

import dev.sam.core.home.SamHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sanity checks, then the generation check when an {@link AdapterProbe} is available. Never claims a
 * check ran when it did not: without an engine the report says "not run (no inference engine available)".
 *
 * <pre>ValidationReport r = new AdapterValidator(home, null).validate(path, choice, false).report();</pre>
 */
public final class AdapterValidator {
    /** Original spec, "Evaluation Metrics": repetition rate must stay below 5%. */
    public static final double MAX_REPETITION = 0.05;

    private final SamHome home;
    private final AdapterProbe probe;

    /** {@code probe} may be null: no inference engine in this build. */
    public AdapterValidator(SamHome home, AdapterProbe probe) {
        this.home = home;
        this.probe = probe;
    }

    /** The sanity result (what was found) and the report (every check). */
    public record Outcome(AdapterSanity.Result sanity, ValidationReport report) {
    }

    public Outcome validate(Path input, AdapterSanity.BaseChoice choice, boolean force) {
        AdapterSanity.Result s = new AdapterSanity(home).check(input, choice, force);
        List<Check> checks = new ArrayList<>(s.checks());
        List<String> samples = null;
        boolean sane = checks.stream().noneMatch(c -> c.outcome() == Check.Outcome.FAILED);
        if (probe == null) {
            checks.add(Check.notRun("generation", "no inference engine available"));
        } else if (!sane) {
            checks.add(Check.notRun("generation", "sanity checks failed"));
        } else if (s.base() == null) {
            checks.add(Check.notRun("generation", "no base model to load"));
        } else {
            try {
                AdapterProbe.ProbeResult r = probe.probe(s.base().dir(), s.files().dir());
                samples = r.samples();
                checks.add(judge(r));
            } catch (Exception e) {
                checks.add(Check.failed("generation", "the model did not load or generate",
                        List.of(String.valueOf(e.getMessage()))));
            }
        }
        return new Outcome(s, new ValidationReport(checks, s.notes(), samples));
    }

    static Check judge(AdapterProbe.ProbeResult r) {
        String rate = String.format(Locale.ROOT, "%.1f%%", r.repetitionRate() * 100);
        if (r.samples().isEmpty() || r.samples().stream().allMatch(String::isBlank)) {
            return Check.failed("generation", "generated no text", List.of("every sample was empty"));
        }
        if (!(r.repetitionRate() < MAX_REPETITION)) {
            return Check.failed("generation", "repetitive output", List.of("repetition rate " + rate
                    + " is not below " + (int) (MAX_REPETITION * 100) + "% over " + r.samples().size() + " samples"));
        }
        return Check.passed("generation", r.samples().size() + " samples, repetition rate " + rate + " < "
                + (int) (MAX_REPETITION * 100) + "%");
    }
}
