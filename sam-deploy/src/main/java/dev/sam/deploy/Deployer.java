package dev.sam.deploy;

import dev.sam.core.ExitCode;
import dev.sam.core.SamException;
import dev.sam.core.io.ProcessLock;
import dev.sam.core.model.ModelVersion;
import dev.sam.core.model.VersionStatus;
import dev.sam.core.progress.ProgressListener;
import dev.sam.deploy.store.Activation;
import dev.sam.core.store.Checksums;
import dev.sam.deploy.store.VersionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam deploy} and the start of {@code sam canary}: sanity → validation → copy (temp dir,
 * fsync, rename) → checksum → atomic activation → record (original spec, "Safe Deployment"; docs/formats.md, "Commit protocol").
 * Validation runs before the lock (it may be slow); version numbering, the copy and the commit run
 * under the deploy lock against a freshly read versions.json, so concurrent deploys get distinct
 * versions and none is lost.
 *
 * <pre>DeployResult r = new Deployer(ctx).deploy(DeployRequest.ofRun("20260125_100000"), ProgressListener.NONE);</pre>
 */
public final class Deployer {
    private final DeployContext ctx;

    public Deployer(DeployContext ctx) {
        this.ctx = ctx;
    }

    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public DeployResult deploy(DeployRequest r, ProgressListener progress) {
        DeployPlanner planner = new DeployPlanner(ctx);
        DeployPlanner.Prepared p = planner.prepare(r);
        refuseUnlessOk(p.plan());
        String op = p.plan().mode();
        VersionStore store = new VersionStore(ctx.home());
        try (ProcessLock lock = store.lock(op + " " + p.plan().source())) {
            VersionState state = VersionState.read(store.file());
            p = planner.replan(p, r, state);
            refuseUnlessOk(p.plan());
            DeployPlan plan = p.plan();
            List<String> notes = new ArrayList<>(cleanLeftovers(store, plan.version()));
            Checksums.Dir sums = store.install(plan.version(), p.files().toCopy(), progress, op);

            duplicateOf(state, sums.checksum()).ifPresent(same -> notes.add("warning: " + plan.version()
                    + " has the same adapters (sha256 " + sums.checksum().substring(0, 12) + "…) as " + same.version()
                    + " (" + same.status().json() + "); it is deployed as a new version anyway — `sam rollback "
                    + same.version() + "` re-activates a stored version without a copy"));
            ModelVersion previous = state.active().orElse(null);
            ModelVersion created = record(r, p, sums, store.adapters(plan.version()));
            VersionState next = state;
            if (!r.canary() && previous != null) {
                next = next.with(previous.withStatus(VersionStatus.RETIRED, null));
            }
            next = next.plus(created);
            Activation activation = new Activation(ctx.home(), ctx.db());
            notes.addAll(activation.commit(next.versions(), op));

            Map<String, Object> data = new LinkedHashMap<>();
            data.put("source", plan.source());
            data.put("checksum", sums.checksum());
            data.put("previous", previous == null ? null : previous.version());
            data.put("canary_traffic", r.canaryTraffic());
            data.put("forced", r.force());
            String msg = r.canary()
                    ? "canary " + created.version() + " started at " + r.canaryTraffic() + "% of traffic"
                    : "deployed " + created.version() + (previous == null ? "" : " (was " + previous.version() + ")");
            activation.event(op, created.version(), created.trainingRunId(), msg, data).ifPresent(notes::add);
            return new DeployResult(plan, created, previous == null ? null : previous.version(), notes);
        }
    }

    private ModelVersion record(DeployRequest r, DeployPlanner.Prepared p, Checksums.Dir sums, Path adapters) {
        DeploySource src = p.source();
        Map<String, Object> metrics = new LinkedHashMap<>(src.metrics());
        String now = ctx.now();
        int samples = src.run() == null ? 0 : src.run().samplesCount();
        String description = r.description() != null ? r.description()
                : src.runId() != null ? "training run " + src.runId() : "adapters from " + src.adapters();
        return new ModelVersion(p.plan().version(), now, r.canary() ? null : now,
                r.canary() ? VersionStatus.CANARY : VersionStatus.ACTIVE, p.plan().baseModel(),
                dev.sam.core.store.VersionCatalog.recordedPath(ctx.home(), adapters),
                src.runId(), samples, metrics, sums.checksum(), description, r.canary() ? r.canaryTraffic() : null);
    }

    /**
     * A recorded version with byte-identical adapters. Deploying it again is allowed (the README's tour
     * deploys a run and then starts a canary of it) but never silent: the result carries a warning.
     */
    static java.util.Optional<ModelVersion> duplicateOf(VersionState state, String checksum) {
        return state.versions().stream().filter(v -> checksum.equals(v.checksum())).reduce((a, b) -> b);
    }

    /** Under the lock no other writer runs, so leftovers of interrupted deploys can go. */
    private static List<String> cleanLeftovers(VersionStore store, String version) {
        List<String> notes = new ArrayList<>();
        for (Path p : store.leftovers()) {
            if (VersionStore.deleteQuietly(p)) {
                notes.add("removed " + p.getFileName() + ", left by an interrupted deploy");
            }
        }
        Path dir = store.dir(version);
        if (java.nio.file.Files.exists(dir) && store.madeBySam(version) && VersionStore.deleteQuietly(dir)) {
            notes.add("removed unrecorded " + dir + ", left by an interrupted deploy");
        }
        return notes;
    }

    static void refuseUnlessOk(DeployPlan plan) {
        if (plan.ok()) {
            return;
        }
        StringBuilder sb = new StringBuilder("refusing to " + plan.mode() + " " + plan.source() + ":");
        plan.blockers().forEach(b -> sb.append("\n  - ").append(b));
        boolean validation = !plan.validation().passed();
        throw new SamException(ExitCode.FAILURE, sb.toString(), validation
                ? "fix the adapters (or pick the right base with --base); `sam deploy --dry-run ...` shows every check"
                : "see `sam list` and `sam current`");
    }
}
