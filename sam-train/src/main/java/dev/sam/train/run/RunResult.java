package dev.sam.train.run;

import dev.sam.core.model.TrainingRun;
import dev.sam.train.eval.EvalReport;
import dev.sam.train.runs.RunPlan;
import java.util.List;

/**
 * What {@code sam train} / {@code sam force} did: the recorded run (status, metrics), its effective
 * settings, the evaluation (null when it could not run) and what the user should know.
 *
 * @param resumedFromStep the checkpoint step a resumed run continued from (null for a new run)
 */
public record RunResult(TrainingRun run, RunPlan plan, EvalReport eval, List<String> warnings, String runDir,
                        String logFile, String adaptersDir, Long resumedFromStep) {

    public RunResult {
        warnings = List.copyOf(warnings);
    }
}
