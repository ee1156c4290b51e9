package dev.sam.quickstart;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * How one step of the quickstart went.
 *
 * @param status  "passed", "failed" or "skipped" (a step after a failed one)
 * @param summary one line for the summary table
 * @param details what the step did, as data (runs, versions, answers, paths)
 * @param error   why it failed (null unless failed)
 * @param remedy  what to do about a failure (null unless failed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepResult(int index, String name, String status, double seconds, String summary,
                         Map<String, Object> details, List<String> notes, String error, String remedy) {

    public boolean passed() {
        return status.equals("passed");
    }

    static StepResult skipped(int index, String name) {
        return new StepResult(index, name, "skipped", 0, "not run (an earlier step failed)", Map.of(), List.of(), null,
                null);
    }
}
