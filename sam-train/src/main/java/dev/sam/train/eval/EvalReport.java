package dev.sam.train.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sam.train.adapters.Check;
import java.util.List;
import java.util.Map;

/**
 * The result of evaluating adapters, as written to {@code runs/<id>/eval.json} (docs/formats.md, "Runs").
 * sam-deploy reads {@code blessed} (and {@code reason}) from it, and copies its top-level numbers and
 * flags into the version's metrics. Every number was measured; what was not measured is null with a
 * note, never a placeholder.
 *
 * @param target        "run" or "version"
 * @param heldOut       which examples the held-out losses are over
 * @param checks        sanity checks (files, config, format, base model, size, shapes) and generation
 * @param valLoss       mean cross-entropy per answer token on the held-out examples, with the adapters
 * @param baseValLoss   the same for the base model alone
 * @param activeValLoss the same for the active version's adapters (null: none, or not comparable)
 * @param targets       the original spec's targets (train loss &lt; 1.0, val loss &lt; 1.5, perplexity &lt; 5)
 * @param blessed       every rule of {@link BlessingRule} passed
 * @param slice         the frozen benchmark slice the numbers are measured on (null: none, see notes)
 * @param models        task metrics of "candidate", "base" and "active" (when measured) on the slice
 * @param code          the code suite run for the pass rates
 * @param judge         the judge's verdict, or why there is none
 * @param rules         each rule of the blessing decision with its outcome
 * @param decidedBy     the first rule that failed, or "all rules passed"
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EvalReport(String target, String runId, String version, String adaptersDir, String baseModel,
                         String baseModelDir, String evaluatedAt, HeldOut heldOut, List<Check> checks,
                         List<Sample> samples, Double repetitionRate, Double trainLoss, Double valLoss,
                         Double perplexity, Double baseValLoss, String activeVersion, Double activeValLoss,
                         Boolean beatsBase, Boolean beatsActive, Map<String, TargetResult> targets, boolean blessed,
                         String reason, List<String> notes, Slice slice, Map<String, ModelMetrics> models,
                         CodeRun code, JudgeResult judge, List<RuleOutcome> rules, String decidedBy,
                         Preference preference) {

    /**
     * Held-out preference accuracy ({@link PreferenceAccuracy}) of a run trained with preference pairs, and of
     * the active version on the same pairs, both against the frozen base as the reference; {@code pairs} the
     * held-out pairs measured, {@code source} which they are.
     */
    public record Preference(String source, int pairs, Double candidate, Double active) {
    }

    /** The benchmark slice: its id (numbers of one id are comparable), when it was frozen, examples used. */
    public record Slice(String id, String createdAt, int examples, long targets, boolean frozenNow) {
    }

    /** The code suite that was run: its name, tasks per model, and why languages were skipped. */
    public record CodeRun(String suite, int tasks, List<String> notes) {
    }

    /** The examples of the held-out comparison. */
    public record HeldOut(String source, int examples, long targets) {
    }

    /** One generated answer of the generation check. */
    public record Sample(String prompt, String source, String output, int tokens, String finishReason) {
    }

    /** A target of the original spec: measured value, threshold (value must be below it), verdict. */
    public record TargetResult(Double value, double threshold, Boolean passed) {
        static TargetResult of(Double value, double threshold) {
            return new TargetResult(value, threshold, value == null ? null : value < threshold);
        }
    }
}
