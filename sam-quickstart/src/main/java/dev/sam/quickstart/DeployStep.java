package dev.sam.quickstart;

import dev.sam.core.model.ModelVersion;
import dev.sam.deploy.Canary;
import dev.sam.deploy.DeployRequest;
import dev.sam.deploy.DeployResult;
import dev.sam.deploy.Deployer;
import dev.sam.deploy.adapter.ValidationReport;
import dev.sam.train.adapters.GenerationCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step 8 ({@code sam deploy --run}) and step 11 ({@code sam canary --run --traffic 20}): run 1 becomes
 * the active version, run 2 a canary. A run that is not blessed is deployed with {@code --force} — the
 * quickstart's explicit choice, so that the rest of the loop can be shown — and the summary says so;
 * sanity and the generation check still apply and are never waived. A canary left running by an
 * interrupted earlier quickstart is aborted first (one deployment in flight at a time).
 */
final class DeployStep implements Step {
    static final int CANARY_TRAFFIC = 20;
    private final boolean canary;

    DeployStep(boolean canary) {
        this.canary = canary;
    }

    @Override
    public String name() {
        return canary ? "canary run 2 at " + CANARY_TRAFFIC + "% (sam canary)" : "deploy run 1 (sam deploy)";
    }

    @Override
    public String remedy() {
        return "`sam --sam-home DIR deploy --run RUN_ID --dry-run` shows every check; the quickstart trains with a new "
                + "seed when run again";
    }

    @Override
    public Outcome run(QuickstartContext ctx) {
        TrainedRun run = canary ? ctx.second : ctx.first;
        List<String> notes = new ArrayList<>();
        Optional<ModelVersion> stale = new Canary(ctx.deployContext()).current();
        if (stale.isPresent()) {
            new Canary(ctx.deployContext()).abort("left running by an earlier, interrupted quickstart");
            notes.add("aborted canary " + stale.get().version() + ", left running by an earlier quickstart");
        }
        boolean force = !run.blessed();
        DeployRequest r = DeployRequest.ofRun(run.runId()).withForce(force)
                .withDescription("quickstart run " + (canary ? 2 : 1) + " (" + run.runId() + ")");
        DeployResult d = canary ? new Canary(ctx.deployContext()).start(r.asCanary(CANARY_TRAFFIC), ctx.listener)
                : new Deployer(ctx.deployContext()).deploy(r, ctx.listener);
        String v = d.version().version();
        String gate = gate(d.plan().validation());
        String how = force ? "deployed with --force: not blessed (" + run.reason() + "); deploy's own checks passed ("
                + gate + ")" : "deployed: blessed";
        if (canary) {
            ctx.canary = d;
            ctx.second = run.deployed(v, how, force);
        } else {
            ctx.active = d;
            ctx.first = run.deployed(v, how, force);
        }
        notes.addAll(d.notes());
        ctx.artefact("version " + v, ctx.home.versionDir(v));
        ctx.artefact("versions.json", ctx.home.versionsJson());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", d.version());
        details.put("previous", d.previous());
        details.put("forced", force);
        details.put("validation", d.plan().validation());
        String what = canary ? v + " is the canary at " + CANARY_TRAFFIC + "% of requests (" + d.previous()
                + " stays active)" : v + " is active" + (d.previous() == null ? "" : " (" + d.previous() + " retired)");
        return new Outcome(what + "; " + (force ? "NOT blessed, deployed with --force (the quickstart's choice; deploy's "
                + "own checks passed: " + gate + ")" : "blessed"), details, notes);
    }

    /**
     * What deploy's gate checked, for a forced deploy: the evaluation may have failed its generation check on
     * held-out prompts while deploy's generation check (on the built-in prompts only) passed — say which.
     */
    static String gate(ValidationReport v) {
        return v.checks().stream().filter(c -> c.name().equals(GenerationCheck.NAME)).findFirst()
                .map(c -> "sanity; generation on the built-in prompts " + c.outcome().toString().toLowerCase(
                        java.util.Locale.ROOT) + ": " + c.detail())
                .orElse("sanity");
    }
}
