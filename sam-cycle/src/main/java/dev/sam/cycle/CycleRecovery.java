package dev.sam.cycle;

import dev.sam.core.model.RunStatus;
import dev.sam.core.model.TrainingRun;
import dev.sam.deploy.DeployContext;
import dev.sam.deploy.StoreVerifier;
import dev.sam.deploy.VerifyReport;
import dev.sam.train.runs.RunStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cycle does when it finds that the previous one was killed ({@code startedAt} still set): the
 * version store is verified and repaired ({@code sam verify --repair}: a half-copied version aside, links
 * and mirror agreeing), and runs still recorded as pending or training are marked failed — the cycle
 * holds the train lock, so no process is training them. Collected data repairs itself on the next collect,
 * and a blessed run whose canary was not registered is the state's {@code pending}, deployed next.
 */
final class CycleRecovery {
    private final DeployContext ctx;

    CycleRecovery(DeployContext ctx) {
        this.ctx = ctx;
    }

    void recover(String startedAt, CycleJournal journal) {
        VerifyReport report = new StoreVerifier(ctx).verify(true);
        RunStore runs = new RunStore(ctx.home(), ctx.db());
        List<TrainingRun> dead = runs.list().stream()
                .filter(r -> r.status() == RunStatus.PENDING || r.status() == RunStatus.TRAINING).toList();
        for (TrainingRun r : dead) {
            runs.transition(r, RunStatus.FAILED, "crashed: the process ended while training (a killed sam cycle)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("previous_start", startedAt);
        data.put("store_findings", report.findings().size());
        data.put("runs_marked_failed", dead.stream().map(TrainingRun::runId).toList());
        journal.step("recover", "the cycle started at " + startedAt + " did not finish; version store "
                + (report.findings().isEmpty() ? "consistent" : "repaired (" + report.findings().size() + " finding(s))")
                + (dead.isEmpty() ? "" : ", " + dead.size() + " unfinished run(s) marked failed"), data);
    }
}
