package dev.sam.train.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Task metrics of one model (the candidate, the active version or the base model) on the benchmark slice:
 * held-out loss and per-token accuracy over all its examples and per source; for commit samples the
 * exact-match rate and chrF of generated messages; the pass rate on the code suite. Null: not measured.
 *
 * @param codeTasks code tasks run (null: the code suite was not run)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ModelMetrics(String model, Double loss, Double accuracy, long targets, Map<String, SourceMetrics> bySource,
                           Double codePassRate, Integer codeTasks, Integer codePassed) {

    /** One source's numbers; {@code generated}: how many of its answers were generated (commit samples). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SourceMetrics(int examples, Double loss, Double accuracy, Integer generated, Double exactMatch,
                                Double chrf) {
    }

    /** The metric named {@code name} (accuracy, exact_match, chrf, code_pass_rate) of {@code source} (null: all). */
    public Double metric(String source, String name) {
        if (source == null) {
            return switch (name) {
                case "accuracy" -> accuracy;
                case "code_pass_rate" -> codePassRate;
                default -> null;
            };
        }
        SourceMetrics s = bySource.get(source);
        if (s == null) {
            return null;
        }
        return switch (name) {
            case "accuracy" -> s.accuracy();
            case "exact_match" -> s.exactMatch();
            case "chrf" -> s.chrf();
            default -> null;
        };
    }
}
