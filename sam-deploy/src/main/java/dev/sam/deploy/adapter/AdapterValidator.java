package dev.sam.deploy.adapter;

import dev.sam.core.home.SamHome;
import dev.sam.train.adapters.AdapterProbe;
import dev.sam.train.adapters.AdapterSanity;
import dev.sam.train.adapters.Check;
import dev.sam.train.adapters.GenerationCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sanity checks, then the generation check when an {@link AdapterProbe} is available. Never claims a
 * check ran when it did not: without an engine the report says "not run (no inference engine available)".
 *
 * <pre>ValidationReport r = new AdapterValidator(home, null).validate(path, choice, false).report();</pre>
 */
public final class AdapterValidator {
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
            checks.add(Check.notRun(GenerationCheck.NAME, "no inference engine available"));
        } else if (!sane) {
            checks.add(Check.notRun(GenerationCheck.NAME, "sanity checks failed"));
        } else if (s.base() == null) {
            checks.add(Check.notRun(GenerationCheck.NAME, "no base model to load"));
        } else if (probe.cannotRun(s.base().dir()).isPresent()) {
            checks.add(Check.notRun(GenerationCheck.NAME, probe.cannotRun(s.base().dir()).get()));
        } else {
            GenerationCheck.Outcome g = GenerationCheck.run(probe, s.base().dir(), s.files().dir());
            samples = g.samples();
            checks.add(g.check());
        }
        return new Outcome(s, new ValidationReport(checks, s.notes(), samples));
    }
}
