package dev.sam.quickstart;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code sam quickstart} (its {@code --json} output): every step with its status and time,
 * the two runs with their real evaluation and how they were deployed, the answers the server gave, and
 * where the artefacts are. On failure {@code failedStep}, {@code error} and {@code hint} say what went
 * wrong and what to do.
 *
 * @param serving the URL of the server when it keeps serving (--keep-serving), else null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record QuickstartReport(boolean success, String dir, double seconds, List<StepResult> steps,
                               TrainedRun firstRun, TrainedRun secondRun, List<Answer> answers,
                               Map<String, String> artefacts, String serving, String failedStep, String error,
                               String hint, int exitCode, List<String> next) {
}
