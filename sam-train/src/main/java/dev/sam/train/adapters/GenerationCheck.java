package dev.sam.train.adapters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The generation check of the validation gate (original spec, "Model Validation": the model loads,
 * generates coherent output, no repetitive garbage; "Evaluation Metrics": repetition rate < 5%), shared
 * by {@code sam deploy} and {@code sam eval}. It never claims to have run when it did not.
 *
 * <pre>GenerationCheck.Outcome o = GenerationCheck.run(probe, base.dir(), files.dir());</pre>
 */
public final class GenerationCheck {
    /** Original spec, "Evaluation Metrics": repetition rate must stay below 5%. */
    public static final double MAX_REPETITION = 0.05;
    public static final String NAME = "generation";

    private GenerationCheck() {
    }

    /** The check and, when it ran, the generated samples and the measured rate (else null). */
    public record Outcome(Check check, List<String> samples, Double repetitionRate) {
    }

    /** Runs the probe (which may fail with any exception: the check then fails with its message). */
    public static Outcome run(AdapterProbe probe, Path baseDir, Path adapterDir) {
        try {
            AdapterProbe.ProbeResult r = probe.probe(baseDir, adapterDir);
            return new Outcome(judge(r), r.samples(), r.repetitionRate());
        } catch (Exception e) {
            return new Outcome(Check.failed(NAME, "the model did not load or generate",
                    List.of(String.valueOf(e.getMessage()))), List.of(), null);
        }
    }

    /** Passed when some text was generated and the repetition rate is below {@link #MAX_REPETITION}. */
    public static Check judge(AdapterProbe.ProbeResult r) {
        String rate = String.format(Locale.ROOT, "%.1f%%", r.repetitionRate() * 100);
        if (r.samples().isEmpty() || r.samples().stream().allMatch(String::isBlank)) {
            return Check.failed(NAME, "generated no text", List.of("every sample was empty"));
        }
        if (!(r.repetitionRate() < MAX_REPETITION)) {
            return Check.failed(NAME, "repetitive output", List.of("repetition rate " + rate
                    + " is not below " + (int) (MAX_REPETITION * 100) + "% over " + r.samples().size() + " samples"));
        }
        return Check.passed(NAME, r.samples().size() + " samples, repetition rate " + rate + " < "
                + (int) (MAX_REPETITION * 100) + "%");
    }
}
