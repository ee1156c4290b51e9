package dev.sam.train.runs;

import java.util.List;

/**
 * A trained run as {@code sam models} lists it: status, what it was trained on, its key numbers, its
 * verdict, and the versions it was deployed as.
 *
 * @param adapters   the adapter directory when it holds trained adapters, else null
 * @param blessed    null when the run was not evaluated
 * @param deployedAs versions whose training_run_id is this run
 */
public record RunInfo(String runId, String status, String startTime, String endTime, String baseModel, String profile,
                      int samples, Long steps, Double trainLoss, Double valLoss, Double perplexity, Boolean blessed,
                      String adapters, List<String> deployedAs, String error) {
}
