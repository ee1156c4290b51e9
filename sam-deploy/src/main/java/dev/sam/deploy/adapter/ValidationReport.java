package dev.sam.deploy.adapter;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sam.train.adapters.Check;
import java.util.ArrayList;
import java.util.List;

/**
 * Every check of the validation gate with its outcome, notes (assumptions made, e.g. inferred keys)
 * and the generated samples when the generation check ran.
 */
public record ValidationReport(List<Check> checks, List<String> notes, List<String> samples) {

    public ValidationReport {
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    /** True when no check failed (not-run and waived checks do not block); "passed" in JSON. */
    @JsonProperty("passed")
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.outcome() == Check.Outcome.FAILED);
    }

    /** This report with one more check at the end. */
    public ValidationReport with(Check c) {
        List<Check> l = new ArrayList<>(checks);
        l.add(c);
        return new ValidationReport(l, notes, samples);
    }

    /** Every problem of the failed checks, "check: problem" — the body of a refusal message. */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        for (Check c : checks) {
            if (c.outcome() == Check.Outcome.FAILED) {
                if (c.problems().isEmpty()) {
                    out.add(c.name() + ": " + c.detail());
                }
                c.problems().forEach(p -> out.add(c.name() + ": " + p));
            }
        }
        return out;
    }
}
